package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// What the ticket domain keeps of links: the rows a merge, a split or a
// follow-up stores inside its own transaction, and the locks every change
// to the link graph takes. Links that agents add and remove, and reading
// links, are internal/ticket/ticketlink's.

// Event types of links.
const (
	EventLinked   = "ticket.linked"
	EventUnlinked = "ticket.unlinked"
)

// The kinds stored in ticket_links.kind that this package writes.
const (
	kindRelated    = "related"
	kindMergedInto = "merged_into"
	kindSplitFrom  = "split_from"
)

// LockLinks takes the link graph's lock in tx, for ticketlink: it must come
// before any ticket lock (see lockLinks).
func LockLinks(ctx context.Context, tx *sql.Tx) error { return lockLinks(ctx, tx) }

// TouchPair locks tickets id and other in id order and stamps them updated,
// for ticketlink (see touchPair).
func TouchPair(ctx context.Context, tx *sql.Tx, id, other int64, now time.Time) error {
	return touchPair(ctx, tx, id, other, now)
}

// InsertLink stores a link row and returns its id, for ticketlink, which
// has checked it; a duplicate is a conflict on ticket_id.
func InsertLink(ctx context.Context, tx *sql.Tx, ticketID, otherID int64, kind string, now time.Time) (int64, error) {
	return insertLink(ctx, tx, ticketID, otherID, kind, now)
}

// insertLink stores a link and returns its id. Its events are the caller's:
// a link made by a merge or split is told by that event.
func insertLink(ctx context.Context, tx *sql.Tx, ticketID, otherID int64, kind string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ticket_links (ticket_id, other_id, kind, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, ticketID, otherID, kind, db.Time(now)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, apperr.Conflict("ticket_id", "the tickets are already linked so")
	}
	if err != nil {
		return 0, fmt.Errorf("ticket: insert link: %w", err)
	}
	return id, nil
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
