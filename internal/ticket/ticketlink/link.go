// Package ticketlink is how agents relate tickets to each other: related
// tickets, parents and children, added and removed by hand, and the reading
// of every link, including those a merge, a split or a follow-up stored.
// It belongs to the ticket domain: the rows it writes (ticket_links, and the
// tickets it stamps updated) go through internal/ticket's helpers or its
// own SQL beside them, and it takes the same locks in the same order.
package ticketlink

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Service adds, removes and lists tickets' links.
type Service struct {
	db      *db.DB
	tickets *ticket.Service
	now     func() time.Time
}

// New returns a Service over d; tickets answers whether a ticket exists.
func New(d *db.DB, tickets *ticket.Service) *Service {
	return &Service{db: d, tickets: tickets, now: db.Now}
}

// Link types as a ticket sees them. A link is one row read from both ends:
// the parent of one ticket is a child of the other; a merge reads
// merged_into from the source and merged_from from the target; a split
// reads split_from from the new ticket and split_into from the old one.
const (
	Related    = "related"
	Parent     = "parent" // the other ticket is this one's parent
	Child      = "child"  // the other ticket is this one's child
	MergedInto = "merged_into"
	MergedFrom = "merged_from"
	SplitFrom  = "split_from"
	SplitInto  = "split_into"
)

// The kinds stored in ticket_links.kind (internal/ticket writes the
// merged_into, split_from and follow-up related ones).
const (
	kindRelated    = "related"
	kindParent     = "parent" // ticket_id's parent is other_id
	kindMergedInto = "merged_into"
	kindSplitFrom  = "split_from"
)

// Link is a link from one ticket to another, as the first one sees it.
type Link struct {
	ID        int64     `json:"id"`
	Type      string    `json:"type"`
	TicketID  int64     `json:"ticket_id"` // the other ticket
	Number    int64     `json:"number"`
	Subject   string    `json:"subject"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// NewLink links a ticket to TicketID. Type is related, parent (TicketID
// becomes the parent) or child (TicketID becomes a child).
type NewLink struct {
	Type     string `json:"type"`
	TicketID int64  `json:"ticket_id"`
}

// row is a link as stored.
type linkRow struct {
	id                int64
	ticketID, otherID int64
	kind              string
}

// seenFrom returns the link's type as ticket id sees it.
func (l linkRow) seenFrom(id int64) string {
	mine := l.ticketID == id
	switch l.kind {
	case kindParent:
		return pick(mine, Parent, Child)
	case kindMergedInto:
		return pick(mine, MergedInto, MergedFrom)
	case kindSplitFrom:
		return pick(mine, SplitFrom, SplitInto)
	}
	return Related
}

// other returns the ticket at the other end from id.
func (l linkRow) other(id int64) int64 { return pick(l.ticketID == id, l.otherID, l.ticketID) }

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// storedLink turns a request into the row it stores: related links are
// stored with the lower id first and a child always points at its parent,
// so a link has one spelling and the unique constraint catches duplicates.
func storedLink(id int64, n NewLink) (linkRow, error) {
	switch {
	case n.TicketID <= 0:
		return linkRow{}, apperr.Invalid("ticket_id", "is required")
	case n.TicketID == id:
		return linkRow{}, apperr.Unprocessable("ticket_id", "a ticket cannot be linked to itself")
	}
	switch n.Type {
	case Related:
		return linkRow{ticketID: min(id, n.TicketID), otherID: max(id, n.TicketID), kind: kindRelated}, nil
	case Parent:
		return linkRow{ticketID: id, otherID: n.TicketID, kind: kindParent}, nil
	case Child:
		return linkRow{ticketID: n.TicketID, otherID: id, kind: kindParent}, nil
	}
	return linkRow{}, apperr.Invalid("type", "must be one of related, parent, child, not %q", n.Type)
}

// Add links ticket id to another, with a ticket.linked event on each.
// A ticket has one parent at most, and parents never form a cycle.
func (s *Service) Add(ctx context.Context, id int64, n NewLink) (*Link, error) {
	l, err := storedLink(id, n)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := ticket.LockLinks(ctx, tx); err != nil {
			return err
		}
		if err := ticket.TouchPair(ctx, tx, id, n.TicketID, now); err != nil {
			return err
		}
		if err := checkNewLink(ctx, tx, l); err != nil {
			return err
		}
		linkID, err := ticket.InsertLink(ctx, tx, l.ticketID, l.otherID, l.kind, now)
		if err != nil {
			return err
		}
		l.id = linkID
		return linkEvents(ctx, tx, ticket.EventLinked, l, now)
	})
	if err != nil {
		return nil, err
	}
	return getLink(ctx, s.db.Reader(ctx), id, l.id) // Reader: under an idempotent request the link is not committed yet
}

// checkNewLink refuses a duplicate, a second parent, or a parent cycle.
func checkNewLink(ctx context.Context, q db.Queryer, l linkRow) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_links
		WHERE ticket_id = $1 AND other_id = $2 AND kind = $3`, l.ticketID, l.otherID, l.kind).Scan(&n)
	if err != nil {
		return fmt.Errorf("ticketlink: find link: %w", err)
	}
	if n > 0 {
		return apperr.Conflict("ticket_id", "the tickets are already linked so")
	}
	if l.kind != kindParent {
		return nil
	}
	parent, err := parentOf(ctx, q, l.ticketID)
	if err != nil {
		return err
	}
	if parent != 0 {
		return apperr.Conflict("ticket_id", "ticket %d already has a parent, ticket %d", l.ticketID, parent)
	}
	cycle, err := isAncestor(ctx, q, l.ticketID, l.otherID)
	if err != nil {
		return err
	}
	if cycle {
		return apperr.Unprocessable("ticket_id", "ticket %d descends from ticket %d: parents cannot form a cycle",
			l.otherID, l.ticketID)
	}
	return nil
}

func parentOf(ctx context.Context, q db.Queryer, id int64) (int64, error) {
	var parent int64
	err := q.QueryRowContext(ctx, `SELECT other_id FROM ticket_links WHERE ticket_id = $1 AND kind = 'parent'`,
		id).Scan(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ticketlink: parent of %d: %w", id, err)
	}
	return parent, nil
}

// isAncestor reports whether ancestor is id itself or above it in the
// parent chain. UNION (not UNION ALL) ends the walk even on a cycle.
func isAncestor(ctx context.Context, q db.Queryer, ancestor, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `
		WITH RECURSIVE up (id) AS (
			SELECT CAST($1 AS BIGINT)
			UNION
			SELECT l.other_id FROM ticket_links l JOIN up ON l.ticket_id = up.id WHERE l.kind = 'parent'
		)
		SELECT COUNT(*) FROM up WHERE id = $2`, id, ancestor).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("ticketlink: walk parents of %d: %w", id, err)
	}
	return n > 0, nil
}

func linkEvents(ctx context.Context, tx *sql.Tx, typ string, l linkRow, now time.Time) error {
	for _, id := range []int64{l.ticketID, l.otherID} {
		e := &events.Event{TicketID: id, Type: typ, At: now, Data: map[string]any{
			"link_id": l.id, "type": l.seenFrom(id), "ticket_id": l.other(id)}}
		if err := events.Append(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// Remove removes a related or parent link of ticket id, with a
// ticket.unlinked event on each ticket. Merge and split links are history
// and stay.
func (s *Service) Remove(ctx context.Context, id, linkID int64) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := ticket.LockLinks(ctx, tx); err != nil {
			return err
		}
		l, err := linkOf(ctx, tx, id, linkID)
		if err != nil {
			return err
		}
		if l.kind == kindMergedInto || l.kind == kindSplitFrom {
			return apperr.Unprocessable("link_id", "a %s link records a merge or split and cannot be removed",
				l.seenFrom(id))
		}
		if err := ticket.TouchPair(ctx, tx, l.ticketID, l.otherID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_links WHERE id = $1`, l.id); err != nil {
			return fmt.Errorf("ticketlink: delete link %d: %w", l.id, err)
		}
		return linkEvents(ctx, tx, ticket.EventUnlinked, l, now)
	})
}

// linkOf returns link linkID if it touches ticket id.
func linkOf(ctx context.Context, q db.Queryer, id, linkID int64) (linkRow, error) {
	var l linkRow
	err := q.QueryRowContext(ctx, `SELECT id, ticket_id, other_id, kind FROM ticket_links
		WHERE id = $1 AND (ticket_id = $2 OR other_id = $2)`, linkID, id).
		Scan(&l.id, &l.ticketID, &l.otherID, &l.kind)
	if errors.Is(err, sql.ErrNoRows) {
		return l, apperr.NotFound("link")
	}
	if err != nil {
		return l, fmt.Errorf("ticketlink: get link %d: %w", linkID, err)
	}
	return l, nil
}

// List lists ticket id's links, oldest first.
func (s *Service) List(ctx context.Context, id int64) ([]*Link, error) {
	if _, err := s.tickets.Get(ctx, id); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, linkQuery+` ORDER BY l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("ticketlink: list links of %d: %w", id, err)
	}
	defer rows.Close()
	out := []*Link{}
	for rows.Next() {
		l, err := scanLink(rows, id)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func getLink(ctx context.Context, q db.Queryer, id, linkID int64) (*Link, error) {
	l, err := scanLink(q.QueryRowContext(ctx, linkQuery+` AND l.id = $2`, id, linkID), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("link")
	}
	return l, err
}

// linkQuery reads the links of ticket $1 with the ticket at the other end.
const linkQuery = `
	SELECT l.id, l.ticket_id, l.other_id, l.kind, l.created_at, o.number, o.subject, o.status
	FROM ticket_links l
	JOIN tickets o ON o.id = CASE WHEN l.ticket_id = $1 THEN l.other_id ELSE l.ticket_id END
	WHERE (l.ticket_id = $1 OR l.other_id = $1)`

func scanLink(row interface{ Scan(...any) error }, id int64) (*Link, error) {
	var (
		r   linkRow
		out Link
	)
	err := row.Scan(&r.id, &r.ticketID, &r.otherID, &r.kind, db.ScanTime(&out.CreatedAt),
		&out.Number, &out.Subject, &out.Status)
	if err != nil {
		return nil, fmt.Errorf("ticketlink: scan link: %w", err)
	}
	out.ID, out.Type, out.TicketID = r.id, r.seenFrom(id), r.other(id)
	return &out, nil
}
