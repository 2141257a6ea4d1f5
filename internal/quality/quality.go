package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// roleLead is the role of team leads. The users table knows only admin and
// agent today, so admins do a lead's work until the role exists; checking
// for it here means nothing in this package changes when it arrives.
const roleLead user.Role = "lead"

// IsLead reports whether u may run the quality programme: write the
// philosophy, build scorecards, draw queues, resolve disputes and read every
// review.
func IsLead(u *user.User) bool {
	return u != nil && (u.IsAdmin() || u.Role == roleLead)
}

func requireLead(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	if !IsLead(u) {
		return apperr.Forbidden("only leads and admins may do this")
	}
	return nil
}

func requireUser(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	return nil
}

// Service runs the quality programme: philosophy, survey, scorecards, review
// periods and their queues, reviews, disputes and calibration.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

// checkText trims s and checks its length; required says whether it may be
// empty.
func checkText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "", apperr.Invalid(field, "is required")
	case utf8.RuneCountInString(s) > max:
		return "", apperr.Invalid(field, "is longer than %d characters", max)
	}
	return s, nil
}

// checkUser reports whether id is an active user, naming field if not.
func checkUser(ctx context.Context, q db.Queryer, field string, id int64) error {
	var disabled bool
	err := q.QueryRowContext(ctx, `SELECT disabled_at IS NOT NULL FROM users WHERE id = $1`, id).Scan(&disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Unprocessable(field, "no user has id %d", id)
	}
	if err != nil {
		return fmt.Errorf("quality: check user %d: %w", id, err)
	}
	if disabled {
		return apperr.Unprocessable(field, "user %d is disabled", id)
	}
	return nil
}

// ticketAssignee returns who a ticket is assigned to (0 for nobody).
func ticketAssignee(ctx context.Context, q db.Queryer, ticketID int64) (int64, error) {
	var assignee sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT assignee_id FROM tickets WHERE id = $1`, ticketID).Scan(&assignee)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.Unprocessable("ticket_id", "no ticket has id %d", ticketID)
	}
	if err != nil {
		return 0, fmt.Errorf("quality: ticket %d: %w", ticketID, err)
	}
	return assignee.Int64, nil
}

// nullID turns 0 into NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

type scanner interface{ Scan(...any) error }

// lockRow takes the write lock on one row before it is read and changed,
// so that two transactions changing it (two reviewers submitting the last
// calibration reviews, two leads resolving one dispute) run one after the
// other on PostgreSQL; SQLite has one writer at a time anyway. table is
// always a literal of this package.
func lockRow(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET id = id WHERE id = $1`, id); err != nil {
		return fmt.Errorf("quality: lock %s %d: %w", table, id, err)
	}
	return nil
}
