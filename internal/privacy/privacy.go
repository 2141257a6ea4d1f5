// Package privacy runs the changes to a customer's data that cross domains:
// merging two customers (everything of one moves to the other) and erasing
// one at their request (their personal data is removed or anonymised
// everywhere). Each runs in one transaction over the customer, ticket,
// attachment and mail tables, with an audit entry and ticket events, so it
// happens entirely or not at all. It lives apart from customer and ticket
// because ticket imports customer: only a third package may call both.
package privacy

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket/customerdata"
)

// Service merges and erases customers.
type Service struct {
	db          *db.DB
	attachments *attachment.Service // may be nil: files then wait for the periodic collector
	log         *slog.Logger
}

// NewService returns a Service over d. attachments, when set, removes an
// erased customer's files right after the erasure commits.
func NewService(d *db.DB, attachments *attachment.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d, attachments: attachments, log: log}
}

// Merged is the outcome of merging one customer into another.
type Merged struct {
	// Customer is the survivor, with every identity of both.
	Customer *customer.Customer `json:"customer"`
	// MergedID is the customer that was merged and no longer exists.
	MergedID   int64 `json:"merged_id"`
	Identities int64 `json:"identities"` // identities that moved
	customerdata.CustomerMove
}

// Merge moves everything of customer from to customer into (identities,
// tickets they requested, messages they wrote, tickets they follow, events
// they caused, organization and notes where into has none) and deletes
// from, in one transaction, with a ticket.customer_merged event on each
// ticket that changed and a customer.merged audit entry. Two merges of the
// same pair at once are serialised by the customers' row locks: the second
// finds a customer gone and is refused, so nothing is lost or done twice.
func (s *Service) Merge(ctx context.Context, from, into int64) (*Merged, error) {
	var out *Merged
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		src, dst, err := customer.LockForMerge(ctx, tx, from, into)
		if err != nil {
			return err
		}
		n, err := customer.MoveIdentities(ctx, tx, src.ID, dst.ID)
		if err != nil {
			return err
		}
		mv, err := customerdata.MoveCustomer(ctx, tx, src.ID, dst.ID)
		if err != nil {
			return err
		}
		if err := customer.FinishMerge(ctx, tx, src, dst); err != nil {
			return err
		}
		out = &Merged{MergedID: src.ID, Identities: n, CustomerMove: *mv}
		if out.Customer, err = customer.Get(ctx, tx, dst.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.merged", "customer", dst.ID, map[string]any{
			"from": src.ID, "into": dst.ID, "identities": n, "tickets": len(mv.TicketIDs),
			"requested": mv.Requested, "messages": mv.Messages, "followed": mv.Followed})
	})
	if db.IsForeignKeyViolation(err) {
		// On PostgreSQL a ticket can name the merged customer while the
		// merge runs (intake resolved their address just before); the
		// merge then cannot delete them, and changed nothing.
		return nil, &apperr.Error{Kind: apperr.KindConflict, Code: "conflict", Err: err,
			Message: "the customer gained a ticket while being merged: try again"}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
