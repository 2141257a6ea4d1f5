package ticket

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// nextNumber takes the next ticket number in the caller's transaction.
//
// On PostgreSQL it comes from a sequence: nextval never waits for another
// transaction, so nodes creating tickets at once do not queue on one row
// lock; a rolled-back transaction leaves a gap, which numbers may have. On
// SQLite there is one writer anyway, and the counter row hands out numbers
// without gaps.
func (s *Service) nextNumber(ctx context.Context, q db.Queryer) (int64, error) {
	query := `UPDATE counters SET value = value + 1 WHERE name = 'ticket_number' RETURNING value`
	if s.db.Dialect() == db.Postgres {
		query = `SELECT nextval('ticket_number_seq')`
	}
	var n int64
	if err := q.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return 0, fmt.Errorf("ticket: next number: %w", err)
	}
	return n, nil
}

// ReserveNumbers takes n ticket numbers at once in the caller's
// transaction, for bulk loads (the demo desk, imports) that insert tickets
// without going through Create one by one.
func (s *Service) ReserveNumbers(ctx context.Context, q db.Queryer, n int) ([]int64, error) {
	if n <= 0 {
		return nil, nil
	}
	out := make([]int64, 0, n)
	if s.db.Dialect() == db.Postgres {
		rows, err := q.QueryContext(ctx, `SELECT nextval('ticket_number_seq') FROM generate_series(1, $1)`, n)
		if err != nil {
			return nil, fmt.Errorf("ticket: reserve %d numbers: %w", n, err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				return nil, fmt.Errorf("ticket: reserve numbers: %w", err)
			}
			out = append(out, v)
		}
		return out, rows.Err()
	}
	var last int64
	err := q.QueryRowContext(ctx, `UPDATE counters SET value = value + $1 WHERE name = 'ticket_number'
		RETURNING value`, n).Scan(&last)
	if err != nil {
		return nil, fmt.Errorf("ticket: reserve %d numbers: %w", n, err)
	}
	for v := last - int64(n) + 1; v <= last; v++ {
		out = append(out, v)
	}
	return out, nil
}
