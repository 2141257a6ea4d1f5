package ticket

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// nextNumber takes the next ticket number in the caller's transaction. The
// UPDATE locks the counter row until commit, so numbers are unique across
// nodes; a rolled-back transaction gives its number back, so they rarely
// have gaps, but nothing relies on that.
func nextNumber(ctx context.Context, q db.Queryer) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx,
		`UPDATE counters SET value = value + 1 WHERE name = 'ticket_number' RETURNING value`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("ticket: next number: %w", err)
	}
	return n, nil
}
