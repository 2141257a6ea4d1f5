package quality

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

func requireLead(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	if !u.IsLead() {
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
	db       *db.DB
	now      func() time.Time
	onSubmit []SubmitHook // see OnSubmit
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

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
