package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// Link types as a ticket sees them. A link is one row read from both ends:
// the parent of one ticket is a child of the other; a merge reads
// merged_into from the source and merged_from from the target; a split
// reads split_from from the new ticket and split_into from the old one.
const (
	LinkRelated    = "related"
	LinkParent     = "parent" // the other ticket is this one's parent
	LinkChild      = "child"  // the other ticket is this one's child
	LinkMergedInto = "merged_into"
	LinkMergedFrom = "merged_from"
	LinkSplitFrom  = "split_from"
	LinkSplitInto  = "split_into"
)

// Event types of links.
const (
	EventLinked   = "ticket.linked"
	EventUnlinked = "ticket.unlinked"
)

// The kinds stored in ticket_links.kind.
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
		return pick(mine, LinkParent, LinkChild)
	case kindMergedInto:
		return pick(mine, LinkMergedInto, LinkMergedFrom)
	case kindSplitFrom:
		return pick(mine, LinkSplitFrom, LinkSplitInto)
	}
	return LinkRelated
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
	case LinkRelated:
		return linkRow{ticketID: min(id, n.TicketID), otherID: max(id, n.TicketID), kind: kindRelated}, nil
	case LinkParent:
		return linkRow{ticketID: id, otherID: n.TicketID, kind: kindParent}, nil
	case LinkChild:
		return linkRow{ticketID: n.TicketID, otherID: id, kind: kindParent}, nil
	}
	return linkRow{}, apperr.Invalid("type", "must be one of related, parent, child, not %q", n.Type)
}

// AddLink links ticket id to another, with a ticket.linked event on each.
// A ticket has one parent at most, and parents never form a cycle.
func (s *Service) AddLink(ctx context.Context, id int64, n NewLink) (*Link, error) {
	l, err := storedLink(id, n)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockLinks(ctx, tx); err != nil {
			return err
		}
		if err := touchPair(ctx, tx, id, n.TicketID, now); err != nil {
			return err
		}
		if err := checkNewLink(ctx, tx, l); err != nil {
			return err
		}
		if err := insertLink(ctx, tx, &l, now); err != nil {
			return err
		}
		return linkEvents(ctx, tx, EventLinked, l, now)
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
		return fmt.Errorf("ticket: find link: %w", err)
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
		return 0, fmt.Errorf("ticket: parent of %d: %w", id, err)
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
		return false, fmt.Errorf("ticket: walk parents of %d: %w", id, err)
	}
	return n > 0, nil
}

// insertLink stores l and sets its id. Its events are the caller's: a link
// made by a merge or split is told by that event.
func insertLink(ctx context.Context, tx *sql.Tx, l *linkRow, now time.Time) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO ticket_links (ticket_id, other_id, kind, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, l.ticketID, l.otherID, l.kind, db.Time(now)).Scan(&l.id)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("ticket_id", "the tickets are already linked so")
	}
	if err != nil {
		return fmt.Errorf("ticket: insert link: %w", err)
	}
	return nil
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

// RemoveLink removes a related or parent link of ticket id, with a
// ticket.unlinked event on each ticket. Merge and split links are history
// and stay.
func (s *Service) RemoveLink(ctx context.Context, id, linkID int64) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockLinks(ctx, tx); err != nil {
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
		if err := touchPair(ctx, tx, l.ticketID, l.otherID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_links WHERE id = $1`, l.id); err != nil {
			return fmt.Errorf("ticket: delete link %d: %w", l.id, err)
		}
		return linkEvents(ctx, tx, EventUnlinked, l, now)
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
		return l, fmt.Errorf("ticket: get link %d: %w", linkID, err)
	}
	return l, nil
}

// Links lists ticket id's links, oldest first.
func (s *Service) Links(ctx context.Context, id int64) ([]*Link, error) {
	q := s.db.Reader(ctx)
	if _, err := getTicket(ctx, q, id); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, linkQuery+` ORDER BY l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("ticket: list links of %d: %w", id, err)
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
		return nil, fmt.Errorf("ticket: scan link: %w", err)
	}
	out.ID, out.Type, out.TicketID = r.id, r.seenFrom(id), r.other(id)
	return &out, nil
}

// lockLinks serialises every change to the link graph (links, merges,
// splits) so that a check for cycles or merge chains sees every link
// committed before it. Such changes are rare, so one lock costs nothing.
// It is taken before any ticket lock, always, so it cannot deadlock.
func lockLinks(ctx context.Context, q db.Queryer) error {
	if _, err := q.ExecContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'ticket_links'`); err != nil {
		return fmt.Errorf("ticket: lock links: %w", err)
	}
	return nil
}

// touchPair locks two tickets in id order, so that two transactions that
// lock the same pair cannot deadlock, and stamps them updated. The first id
// is the one in the request's path: its absence is a 404, the other's a 422.
func touchPair(ctx context.Context, q db.Queryer, id, other int64, now time.Time) error {
	first, second := id, other
	if other < id {
		first, second = other, id
	}
	for _, x := range []int64{first, second} {
		err := touch(ctx, q, x, now)
		if apperr.Is(err, apperr.KindNotFound) && x == other {
			return apperr.Unprocessable("ticket_id", "no ticket has id %d", other)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// touch locks a ticket and stamps it updated, with a new version, so that
// clients syncing by updated_since see that its links changed.
func touch(ctx context.Context, q db.Queryer, id int64, now time.Time) error {
	return updateRow(ctx, q, id, `updated_at = $1, version = version + 1`, db.Time(now))
}
