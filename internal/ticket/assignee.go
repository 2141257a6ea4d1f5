package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// AssigneeOf returns who ticket id is assigned to (0 for nobody), inside
// q's transaction; an unknown id is Unprocessable naming "ticket_id", as
// the records that point at tickets (reviews, awards) name it.
func AssigneeOf(ctx context.Context, q db.Queryer, id int64) (int64, error) {
	var assignee sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT assignee_id FROM tickets WHERE id = $1`, id).Scan(&assignee)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.Unprocessable("ticket_id", "no ticket has id %d", id)
	}
	if err != nil {
		return 0, fmt.Errorf("ticket: assignee of %d: %w", id, err)
	}
	return assignee.Int64, nil
}
