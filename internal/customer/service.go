package customer

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
)

// Service manages customers and organizations.
type Service struct{ db *db.DB }

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// ResolveEmail returns the customer who owns email, creating one named name
// if nobody does, inside the caller's transaction. Two transactions
// resolving the same new address end with one customer: the identity's
// unique key picks the winner and the loser drops the customer it made. A
// new customer joins the organization of the address's domain (see
// Organization). created says whether this call made the customer.
func ResolveEmail(ctx context.Context, tx *sql.Tx, email, name string) (c *Customer, created bool, err error) {
	email, err = NormalizeEmail("email", email)
	if err != nil {
		return nil, false, err
	}
	if id, err := lockIdentity(ctx, tx, KindEmail, email); err != nil || id != 0 {
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
	if err != nil {
		return nil, false, err
	}
	if won {
		c, _, err := resolved(ctx, tx, id, true, nil)
		if err != nil {
			return nil, false, err
		}
		return c, true, autoJoin(ctx, tx, c, email)
	}
	if err := deleteCustomer(ctx, tx, id); err != nil {
		return nil, false, err
	}
	id, err = idByIdentity(ctx, tx, KindEmail, email)
	return resolved(ctx, tx, id, false, err)
}

// ResolveEmailID is ResolveEmail for a caller that needs only the customer's
// id, such as a new ticket's requester: for an address already known it is
// one statement (the identity's row lock, which names its owner) rather than
// three (that, the customer, their identities).
func ResolveEmailID(ctx context.Context, tx *sql.Tx, email, name string) (int64, error) {
	normal, err := NormalizeEmail("email", email)
	if err != nil {
		return 0, err
	}
	if id, err := lockIdentity(ctx, tx, KindEmail, normal); err != nil || id != 0 {
		return id, err
	}
	c, _, err := ResolveEmail(ctx, tx, email, name)
	if err != nil {
		return 0, err
	}
	return c.ID, nil
}

func resolved(ctx context.Context, q db.Queryer, id int64, created bool, err error) (*Customer, bool, error) {
	if err != nil {
		return nil, false, err
	}
	c, err := getByID(ctx, q, id)
	return c, created, err
}

// NewCustomer is what it takes to add a customer by hand: an email address,
// or other identities, or both.
type NewCustomer struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Notes string `json:"notes"`
	// OrganizationID puts the customer in an organization; left out, the
	// organization of the email address's domain is joined (see
	// Organization.AutoJoin).
	OrganizationID *int64        `json:"organization_id"`
	Identities     []NewIdentity `json:"identities"`
}

// validate checks n and normalises its identities, reading phone numbers
// without country code as numbers of phoneRegion.
func (n *NewCustomer) validate(phoneRegion string) error {
	if n.Email == "" && len(n.Identities) == 0 {
		return apperr.Invalid("email", "is required, unless identities are given")
	}
	if len(n.Identities) > maxIdentities {
		return apperr.Invalid("identities", "has more than %d identities", maxIdentities)
	}
	for i, id := range n.Identities {
		norm, err := id.normalize(identityField(i, "kind"), identityField(i, "value"), phoneRegion)
		if err != nil {
			return err
		}
		n.Identities[i] = norm
	}
	var err error
	n.Notes, err = checkNotes(n.Notes)
	return err
}

// phoneRegion is the desk's default phone region when ids hold a phone
// number, read only then.
func (s *Service) phoneRegion(ctx context.Context, ids ...NewIdentity) (string, error) {
	for _, id := range ids {
		if id.Kind == KindPhone {
			return settings.PhoneRegion(ctx, s.db.Reader(ctx))
		}
	}
	return "", nil
}

// maxIdentities bounds how many identities one request adds.
const maxIdentities = 20

// Create adds a customer; an identity already known is a conflict.
func (s *Service) Create(ctx context.Context, n NewCustomer) (*Customer, error) {
	region, err := s.phoneRegion(ctx, n.Identities...)
	if err != nil {
		return nil, err
	}
	if err := n.validate(region); err != nil {
		return nil, err
	}
	var out *Customer
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := s.createIn(ctx, tx, n)
		if err != nil {
			return err
		}
		if out, err = getByID(ctx, tx, c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.created", "customer", c.ID, map[string]any{"email": c.Email})
	})
	return out, err
}

func (s *Service) createIn(ctx context.Context, tx *sql.Tx, n NewCustomer) (*Customer, error) {
	var c *Customer
	if n.Email != "" {
		made, created, err := ResolveEmail(ctx, tx, n.Email, n.Name)
		if err != nil {
			return nil, err
		}
		if !created {
			return nil, apperr.Conflict("email", "a customer with the email address %s already exists", made.Email)
		}
		c = made
	} else {
		name, err := checkName(n.Name, n.Identities[0].Value)
		if err != nil {
			return nil, err
		}
		id, err := insertCustomer(ctx, tx, name, db.Now())
		if err != nil {
			return nil, err
		}
		c = &Customer{ID: id, Name: name}
	}
	for i, ni := range n.Identities {
		if err := addIdentity(ctx, tx, c, ni, identityField(i, "value")); err != nil {
			return nil, err
		}
	}
	c.Notes = n.Notes
	if n.OrganizationID != nil {
		ref, err := orgRef(ctx, tx, *n.OrganizationID)
		if err != nil {
			return nil, err
		}
		c.Organization = ref
	}
	return c, saveCustomer(ctx, tx, c)
}

// Get returns a customer by id.
func (s *Service) Get(ctx context.Context, id int64) (*Customer, error) {
	return getByID(ctx, s.db.Reader(ctx), id)
}

// GetByEmail returns the customer who owns an email address.
func (s *Service) GetByEmail(ctx context.Context, email string) (*Customer, error) {
	email, err := NormalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	id, err := idByIdentity(ctx, q, KindEmail, email)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, apperr.NotFound("customer")
	}
	return getByID(ctx, q, id)
}

// Page bounds a listing: customers with ids below Before (all when 0), of
// organization OrganizationID (all when 0).
type Page struct {
	OrganizationID int64
	Before         int64
	Limit          int
}

// MaxListLimit bounds one page of customers.
const MaxListLimit = 200

// List returns customers newest first, and the Before of the next page (0
// on the last page).
func (s *Service) List(ctx context.Context, p Page) ([]*Customer, int64, error) {
	if p.Limit <= 0 || p.Limit > MaxListLimit {
		p.Limit = 50
	}
	q := s.db.Reader(ctx)
	if p.OrganizationID != 0 {
		if _, err := getOrganization(ctx, q, p.OrganizationID); err != nil {
			return nil, 0, err
		}
	}
	cs, err := listCustomers(ctx, q, p.OrganizationID, p.Before, p.Limit+1)
	if err != nil || len(cs) <= p.Limit {
		return cs, 0, err
	}
	cs = cs[:p.Limit]
	return cs, cs[p.Limit-1].ID, nil
}

// Patch changes a customer; absent fields stay as they are.
// OrganizationID set to null takes the customer out of their organization.
type Patch struct {
	Name           *string    `json:"name"`
	Notes          *string    `json:"notes"`
	OrganizationID OptionalID `json:"organization_id"`
}

// Update applies p.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Customer, error) {
	var out *Customer
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockCustomer(ctx, tx, id); err != nil {
			return err
		}
		c, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = c
		changed, err := applyPatch(ctx, tx, c, p)
		if err != nil || len(changed) == 0 {
			return err
		}
		if c.ErasedAt != nil {
			return apperr.Unprocessable("id", "the customer's data was erased; they cannot be changed")
		}
		if err := saveCustomer(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.updated", "customer", c.ID, changed)
	})
	return out, err
}

// applyPatch validates p and applies it to c in memory, returning what
// changed for the audit log.
func applyPatch(ctx context.Context, tx *sql.Tx, c *Customer, p Patch) (map[string]any, error) {
	changed := map[string]any{}
	if p.Name != nil {
		name, err := checkName(*p.Name, "")
		if err != nil {
			return nil, err
		}
		if name != c.Name {
			changed["name"] = []string{c.Name, name}
			c.Name = name
		}
	}
	if p.Notes != nil {
		notes, err := checkNotes(*p.Notes)
		if err != nil {
			return nil, err
		}
		if notes != c.Notes {
			changed["notes"] = true // notes may be long and personal: the log says only that they changed
			c.Notes = notes
		}
	}
	if p.OrganizationID.Set {
		var ref *OrgRef
		if p.OrganizationID.ID != nil {
			var err error
			if ref, err = orgRef(ctx, tx, *p.OrganizationID.ID); err != nil {
				return nil, err
			}
		}
		if orgIDOf(ref) != orgIDOf(c.Organization) {
			changed["organization_id"] = []int64{orgIDOf(c.Organization), orgIDOf(ref)}
			c.Organization = ref
		}
	}
	return changed, nil
}

func orgIDOf(r *OrgRef) int64 {
	if r == nil {
		return 0
	}
	return r.ID
}

// orgRef finds the organization a request names.
func orgRef(ctx context.Context, q db.Queryer, id int64) (*OrgRef, error) {
	o, err := getOrganization(ctx, q, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, apperr.Unprocessable("organization_id", "no organization has id %d", id)
	}
	if err != nil {
		return nil, err
	}
	return &OrgRef{ID: o.ID, Name: o.Name}, nil
}
