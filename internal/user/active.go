package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// CheckActive checks, inside q's transaction, that id is a user who is not
// disabled, answering Unprocessable naming field if not: for the services
// that point records at people (reviews, awards, coaching).
func CheckActive(ctx context.Context, q db.Queryer, field string, id int64) error {
	var disabled bool
	err := q.QueryRowContext(ctx, `SELECT disabled_at IS NOT NULL FROM users WHERE id = $1`, id).Scan(&disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Unprocessable(field, "no user has id %d", id)
	}
	if err != nil {
		return fmt.Errorf("user: check user %d: %w", id, err)
	}
	if disabled {
		return apperr.Unprocessable(field, "user %d is disabled", id)
	}
	return nil
}
