package customer

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Service manages customers.
type Service struct{ db *db.DB }

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// ResolveEmail returns the customer who owns email, creating one named name
// if nobody does, inside the caller's transaction. Two transactions
// resolving the same new address end with one customer: the identity's
// primary key picks the winner and the loser drops the customer it made.
// created says whether this call made the customer.
func ResolveEmail(ctx context.Context, tx *sql.Tx, email, name string) (c *Customer, created bool, err error) {
	email, err = NormalizeEmail("email", email)
	if err != nil {
		return nil, false, err
	}
	if id, err := idByIdentity(ctx, tx, KindEmail, email); err != nil || id != 0 {
		return resolved(ctx, tx, id, false, err)
	}
	name, err = checkName(name, email)
	if err != nil {
		return nil, false, err
	}
	now := db.Now()
	id, err := insertCustomer(ctx, tx, name, now)
	if err != nil {
		return nil, false, err
	}
	won, err := claimIdentity(ctx, tx, id, KindEmail, email, now)
	if err != nil || won {
		return resolved(ctx, tx, id, won, err)
	}
	if err := deleteCustomer(ctx, tx, id); err != nil {
		return nil, false, err
	}
	id, err = idByIdentity(ctx, tx, KindEmail, email)
	return resolved(ctx, tx, id, false, err)
}

func resolved(ctx context.Context, q db.Queryer, id int64, created bool, err error) (*Customer, bool, error) {
	if err != nil {
		return nil, false, err
	}
	c, err := getByID(ctx, q, id)
	return c, created, err
}

// NewCustomer is what it takes to add a customer by hand.
type NewCustomer struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Create adds a customer; an email address already known is a conflict.
func (s *Service) Create(ctx context.Context, n NewCustomer) (*Customer, error) {
	var out *Customer
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, created, err := ResolveEmail(ctx, tx, n.Email, n.Name)
		if err != nil {
			return err
		}
		if !created {
			return apperr.Conflict("email", "a customer with the email address %s already exists", c.Email)
		}
		out = c
		return audit.Record(ctx, tx, "customer.created", "customer", c.ID, map[string]any{"email": c.Email})
	})
	return out, err
}

// Get returns a customer by id.
func (s *Service) Get(ctx context.Context, id int64) (*Customer, error) {
	return getByID(ctx, s.db.Read(), id)
}

// GetByEmail returns the customer who owns an email address.
func (s *Service) GetByEmail(ctx context.Context, email string) (*Customer, error) {
	email, err := NormalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	id, err := idByIdentity(ctx, s.db.Read(), KindEmail, email)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, apperr.NotFound("customer")
	}
	return getByID(ctx, s.db.Read(), id)
}

// Page bounds a listing: customers with ids below Before (all when 0).
type Page struct {
	Before int64
	Limit  int
}

// List returns customers newest first, and the Before of the next page (0
// on the last page).
func (s *Service) List(ctx context.Context, p Page) ([]*Customer, int64, error) {
	if p.Limit <= 0 || p.Limit > 200 {
		p.Limit = 50
	}
	cs, err := listCustomers(ctx, s.db.Read(), p.Before, p.Limit+1)
	if err != nil || len(cs) <= p.Limit {
		return cs, 0, err
	}
	cs = cs[:p.Limit]
	return cs, cs[p.Limit-1].ID, nil
}

// Patch changes a customer; nil fields stay as they are.
type Patch struct {
	Name *string `json:"name"`
}

// Update applies p.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Customer, error) {
	var out *Customer
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = c
		if p.Name == nil {
			return nil
		}
		name, err := checkName(*p.Name, "")
		if err != nil || name == c.Name {
			return err
		}
		before := c.Name
		c.Name = name
		if err := updateName(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.updated", "customer", c.ID,
			map[string]any{"name": []string{before, name}})
	})
	return out, err
}
