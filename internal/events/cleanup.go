package events

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// cleanupChunk bounds one DELETE, so cleanup never holds locks (or, on
// SQLite, the one writer) for long.
const cleanupChunk = 5000

// cleanup removes outbox rows that every durable consumer has passed and
// that are older than Keep, and returns how many it removed. With no
// consumers, rows only wait for Keep. Events stay.
func (b *Bus) cleanup(ctx context.Context) (int64, error) {
	return CleanUpOutbox(ctx, b.db, time.Now().Add(-b.opts.Keep))
}

// CleanUpOutbox removes the outbox rows written before cutoff that every
// registered durable consumer has handled, and returns how many it removed.
func CleanUpOutbox(ctx context.Context, d *db.DB, cutoff time.Time) (int64, error) {
	// Below the lowest horizon every consumer has handled the row: on
	// PostgreSQL the horizon is a transaction id (rows below it), on SQLite
	// the last outbox id handled (rows at or below it).
	passed := `txid < COALESCE((SELECT MIN(horizon) FROM event_consumers), 9223372036854775807)`
	if d.Dialect() == db.SQLite {
		passed = `id <= COALESCE((SELECT MIN(horizon) FROM event_consumers), 9223372036854775807)`
	}
	q := `DELETE FROM outbox WHERE id IN (
		SELECT id FROM outbox WHERE ` + passed + ` AND created_at < $1 LIMIT $2)`
	var total int64
	for {
		res, err := d.Writer(ctx).ExecContext(ctx, q, db.Time(cutoff), cleanupChunk)
		if err != nil {
			return total, fmt.Errorf("events: clean up outbox: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("events: clean up outbox: %w", err)
		}
		total += n
		if n < cleanupChunk {
			return total, nil
		}
	}
}
