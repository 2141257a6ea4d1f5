package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// AddIdentity gives customer id another email address, phone number or
// external id. One that another customer has is a conflict (merge the two
// customers instead). A new email address at an organization's domain
// brings a customer without an organization into it.
func (s *Service) AddIdentity(ctx context.Context, id int64, n NewIdentity) (*Customer, error) {
	region, err := s.phoneRegion(ctx, n)
	if err != nil {
		return nil, err
	}
	n, err = n.normalize("kind", "value", region)
	if err != nil {
		return nil, err
	}
	var out *Customer
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := lockedLive(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := addIdentity(ctx, tx, c, n, "value"); err != nil {
			return err
		}
		if out, err = getByID(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.identity_added", "customer", id,
			map[string]any{"kind": n.Kind, "value": n.Value})
	})
	return out, err
}

// lockedLive locks and reads a customer who is to change, refusing an
// erased one.
func lockedLive(ctx context.Context, tx *sql.Tx, id int64) (*Customer, error) {
	if err := lockCustomer(ctx, tx, id); err != nil {
		return nil, err
	}
	c, err := getByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if c.ErasedAt != nil {
		return nil, apperr.Unprocessable("id", "the customer's data was erased; they cannot be changed")
	}
	return c, nil
}

// addIdentity claims a normalised identity for c; field names the value in
// errors.
func addIdentity(ctx context.Context, tx *sql.Tx, c *Customer, n NewIdentity, field string) error {
	won, err := claimIdentity(ctx, tx, c.ID, n.Kind, n.Value, db.Now())
	if err != nil {
		return err
	}
	if !won {
		owner, err := idByIdentity(ctx, tx, n.Kind, n.Value)
		if err != nil {
			return err
		}
		if owner == c.ID {
			return apperr.Conflict(field, "the customer already has the %s %s", n.Kind, n.Value)
		}
		return apperr.Conflict(field, "the %s %s belongs to another customer (id %d): merge the two instead",
			n.Kind, n.Value, owner)
	}
	if n.Kind == KindEmail {
		return autoJoin(ctx, tx, c, n.Value)
	}
	return nil
}

// RemoveIdentity removes identity identityID from customer id. A customer
// keeps at least one identity: without one, no channel can recognise them
// again (erasing them is the way to remove everything). The last
// email address of a customer who has conversations by email (a ticket of
// theirs that came by email, or one they follow) is refused: replies to
// them would have nowhere to go, and their next mail would make a second
// customer.
func (s *Service) RemoveIdentity(ctx context.Context, id, identityID int64) (*Customer, error) {
	var out *Customer
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := lockedLive(ctx, tx, id)
		if err != nil {
			return err
		}
		var gone *Identity
		for i := range c.Identities {
			if c.Identities[i].ID == identityID {
				gone = &c.Identities[i]
			}
		}
		if gone == nil {
			return apperr.NotFound("identity")
		}
		if err := checkNotLastEmail(ctx, tx, c, gone); err != nil {
			return err
		}
		if len(c.Identities) == 1 {
			return apperr.Unprocessable("identity_id",
				"%s is the customer's only identity: add another first, since without one no channel can recognise them", gone.Value)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_identities WHERE id = $1`, identityID); err != nil {
			return fmt.Errorf("customer: remove identity %d: %w", identityID, err)
		}
		if out, err = getByID(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.identity_removed", "customer", id,
			map[string]any{"kind": gone.Kind, "value": gone.Value})
	})
	return out, err
}

func checkNotLastEmail(ctx context.Context, tx *sql.Tx, c *Customer, gone *Identity) error {
	if gone.Kind != KindEmail {
		return nil
	}
	for _, i := range c.Identities {
		if i.Kind == KindEmail && i.ID != gone.ID {
			return nil
		}
	}
	var one int
	err := tx.QueryRowContext(ctx, `
		SELECT 1 FROM tickets WHERE requester_id = $1 AND channel = 'email'
		UNION ALL
		SELECT 1 FROM ticket_followers WHERE customer_id = $1
		LIMIT 1`, c.ID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("customer: email conversations of %d: %w", c.ID, err)
	}
	return apperr.Unprocessable("identity_id",
		"%s is the customer's only email address and they have conversations by email: add another address first", gone.Value)
}

// OwnerOf returns the customer who has an identity (normalised as AddIdentity
// would), or 0 when nobody has it: a page that was refused an identity
// offers to merge its owner.
func (s *Service) OwnerOf(ctx context.Context, n NewIdentity) (int64, error) {
	region, err := s.phoneRegion(ctx, n)
	if err != nil {
		return 0, err
	}
	if n, err = n.normalize("kind", "value", region); err != nil {
		return 0, err
	}
	return idByIdentity(ctx, s.db.Reader(ctx), n.Kind, n.Value)
}
