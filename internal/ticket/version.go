package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Every change to a ticket's row increments its version (saveTicket,
// touch). A client that read one version may ask for its change to apply
// only to that version (HTTP If-Match, the ticket page's properties form):
// IfVersion puts the condition in the context, and the first lock the
// change takes on that ticket compares it in the same UPDATE that takes
// the row lock, so of two writers that read the same version exactly one
// wins and the other gets a *StaleError and changes nothing.

// StaleError says that a ticket is no longer at the version a change was
// made against. It unwraps to an apperr conflict on "version".
type StaleError struct {
	TicketID int64
	Want     int64 // the version the change was made against
	Current  int64 // the version the ticket is at
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("ticket %d changed since version %d: it is at version %d", e.TicketID, e.Want, e.Current)
}

// Unwrap classifies the error for whoever answers without knowing it.
func (e *StaleError) Unwrap() error {
	return apperr.Conflict("version", "the ticket changed since version %d (it is at version %d): "+
		"read it again and reapply your change", e.Want, e.Current)
}

// AsStale returns the *StaleError in err's chain, if any.
func AsStale(err error) (*StaleError, bool) {
	var s *StaleError
	ok := errors.As(err, &s)
	return s, ok
}

// precondition is the version a change was made against. It is checked
// once per transaction: a change made of several steps (a reply with its
// macro's actions) bumps the version itself between them, and a
// transaction that is run again checks it again.
type precondition struct {
	ticketID, version int64

	mu        sync.Mutex
	checkedIn db.Queryer // the transaction that checked it
}

type preconditionKey struct{}

// IfVersion returns a context in which changes to ticket id apply only
// while it is at version; the others fail with a *StaleError.
func IfVersion(ctx context.Context, id, version int64) context.Context {
	return context.WithValue(ctx, preconditionKey{}, &precondition{ticketID: id, version: version})
}

// pendingPrecondition returns the condition ctx sets on ticket id that q's
// transaction has not yet checked, or nil.
func pendingPrecondition(ctx context.Context, q db.Queryer, id int64) *precondition {
	p, _ := ctx.Value(preconditionKey{}).(*precondition)
	if p == nil || p.ticketID != id {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.checkedIn == q {
		return nil
	}
	return p
}

func (p *precondition) checked(q db.Queryer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkedIn = q
}

// updateRow runs "UPDATE tickets SET <set>" on ticket id (args are set's
// parameters, $1 on), only at the version ctx requires if it requires one.
// No row is a NotFound, or a *StaleError when the ticket exists.
func updateRow(ctx context.Context, q db.Queryer, id int64, set string, args ...any) error {
	query := fmt.Sprintf(`UPDATE tickets SET %s WHERE id = $%d`, set, len(args)+1)
	args = append(args, id)
	p := pendingPrecondition(ctx, q, id)
	if p != nil {
		query += fmt.Sprintf(` AND version = $%d`, len(args)+1)
		args = append(args, p.version)
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("ticket: lock %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("ticket: lock %d: %w", id, err)
	}
	switch {
	case n > 0 && p != nil:
		p.checked(q)
	case n == 0 && p != nil:
		return staleOrMissing(ctx, q, id, p.version)
	case n == 0:
		return apperr.NotFound("ticket")
	}
	return nil
}

// staleOrMissing explains why ticket id was not at version want.
func staleOrMissing(ctx context.Context, q db.Queryer, id, want int64) error {
	var current int64
	err := q.QueryRowContext(ctx, `SELECT version FROM tickets WHERE id = $1`, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound("ticket")
	}
	if err != nil {
		return fmt.Errorf("ticket: version of %d: %w", id, err)
	}
	return &StaleError{TicketID: id, Want: want, Current: current}
}
