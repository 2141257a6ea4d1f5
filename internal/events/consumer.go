package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Consumer is a durable, named reader of the event stream: every event
// committed after it was first registered is handed to it exactly once, in
// batches, each inside the transaction that records its progress.
type Consumer struct {
	// Name keys the consumer's progress in event_consumers; keep it stable.
	Name string
	// Handle processes a batch of events, oldest first, inside tx. ctx
	// carries tx, so the services Handle calls with it join the batch's
	// transaction. An error (or a panic) rolls the whole batch back,
	// including the consumer's progress, and it is handed over again later.
	// Handle must have no effects outside tx, since it may run again.
	Handle func(ctx context.Context, tx *sql.Tx, batch []Event) error
}

// consumer is a registered Consumer and this node's view of it.
type consumer struct {
	Consumer
	failures int       // consecutive failed batches
	retryAt  time.Time // no batch before this, after a failure
	behind   bool      // more may be waiting: the last batch was full, failed or never ran
}

// batch is the outcome of one batch.
type batch struct {
	handled int
	drained bool // less than a full batch was waiting
	skipped bool // another node holds the consumer
}

// registerConsumer creates the consumer's progress row if it has none,
// starting from now: what is in the outbox already counts as delivered.
func registerConsumer(ctx context.Context, d *db.DB, name string) error {
	now := db.Time(db.Now())
	if d.Dialect() == db.SQLite {
		_, err := d.Writer(ctx).ExecContext(ctx, `
			INSERT INTO event_consumers (name, horizon, updated_at)
			SELECT $1, COALESCE(MAX(id), 0), $2 FROM outbox WHERE true
			ON CONFLICT (name) DO NOTHING`, name, now)
		if err != nil {
			return fmt.Errorf("events: register consumer %s: %w", name, err)
		}
		return nil
	}
	// PostgreSQL: the horizon is the xmin now; rows at or above it that are
	// visible are marked delivered, and rows of transactions still running
	// will be delivered when they commit.
	return d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var horizon int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO event_consumers (name, horizon, updated_at)
			VALUES ($1, pg_snapshot_xmin(pg_current_snapshot())::text::bigint, $2)
			ON CONFLICT (name) DO NOTHING RETURNING horizon`, name, now).Scan(&horizon)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // registered before
		}
		if err != nil {
			return fmt.Errorf("events: register consumer %s: %w", name, err)
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO event_deliveries (consumer, outbox_id, txid)
			SELECT $1, id, txid FROM outbox WHERE txid >= $2`, name, horizon)
		if err != nil {
			return fmt.Errorf("events: register consumer %s: %w", name, err)
		}
		return nil
	})
}

// runBatch hands the consumer its next batch in one transaction. With wait,
// it waits for another node's batch to end instead of skipping the
// consumer.
func runBatch(ctx context.Context, d *db.DB, c *Consumer, size int, wait bool) (out batch, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = batch{}, fmt.Errorf("events: consumer %s panicked: %v", c.Name, p)
		}
	}()
	err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = batch{}
		horizon, ok, err := lockConsumer(ctx, tx, d.Dialect(), c.Name, wait)
		if err != nil || !ok {
			out.skipped = !ok
			return err
		}
		if d.Dialect() == db.SQLite {
			return sqliteBatchTx(ctx, tx, c, horizon, size, &out)
		}
		return pgBatchTx(ctx, tx, c, horizon, size, &out)
	})
	if err != nil {
		return batch{}, err
	}
	return out, nil
}

// lockConsumer reads the consumer's horizon, locking its row until the
// batch ends. On PostgreSQL, a row another node has locked is skipped (ok
// false) unless wait; on SQLite the write transaction is already exclusive.
func lockConsumer(ctx context.Context, tx *sql.Tx, dialect db.Dialect, name string, wait bool) (horizon int64, ok bool, err error) {
	q := `SELECT horizon FROM event_consumers WHERE name = $1`
	if dialect == db.Postgres {
		q += ` FOR UPDATE`
		if !wait {
			q += ` SKIP LOCKED`
		}
	}
	err = tx.QueryRowContext(ctx, q, name).Scan(&horizon)
	if errors.Is(err, sql.ErrNoRows) {
		if wait {
			return 0, false, fmt.Errorf("events: consumer %s is not registered", name)
		}
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("events: lock consumer %s: %w", name, err)
	}
	return horizon, true, nil
}

func sqliteBatchTx(ctx context.Context, tx *sql.Tx, c *Consumer, cursor int64, size int, out *batch) error {
	rows, err := readSQLite(ctx, tx, cursor, size)
	if err != nil {
		return err
	}
	out.drained = len(rows) < size
	if len(rows) == 0 {
		return nil
	}
	if err := handle(ctx, tx, c, rows); err != nil {
		return err
	}
	out.handled = len(rows)
	return setHorizon(ctx, tx, c.Name, rows[len(rows)-1].outboxID)
}

func pgBatchTx(ctx context.Context, tx *sql.Tx, c *Consumer, horizon int64, size int, out *batch) error {
	xmin, rows, err := readPG(ctx, tx, pgConsumerBatch, horizon, c.Name, size)
	if err != nil {
		return err
	}
	out.drained = len(rows) < size
	if len(rows) > 0 {
		if err := handle(ctx, tx, c, rows); err != nil {
			return err
		}
		if err := markDelivered(ctx, tx, c.Name, rows); err != nil {
			return err
		}
		out.handled = len(rows)
	}
	// Every row below xmin was visible to the read; if the read was not cut
	// short by the batch size, all of them are now delivered.
	if !out.drained || xmin <= horizon {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM event_deliveries WHERE consumer = $1 AND txid < $2`,
		c.Name, xmin); err != nil {
		return fmt.Errorf("events: prune deliveries of %s: %w", c.Name, err)
	}
	return setHorizon(ctx, tx, c.Name, xmin)
}

func handle(ctx context.Context, tx *sql.Tx, c *Consumer, rows []delivery) error {
	evs := make([]Event, len(rows))
	for i, r := range rows {
		evs[i] = r.event
	}
	if err := c.Handle(ctx, tx, evs); err != nil {
		return fmt.Errorf("events: consumer %s: %w", c.Name, err)
	}
	return nil
}

func markDelivered(ctx context.Context, tx *sql.Tx, name string, rows []delivery) error {
	ids, txids := make([]int64, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		ids[i], txids[i] = r.outboxID, r.txid
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO event_deliveries (consumer, outbox_id, txid)
		SELECT $1, u.id, u.txid FROM unnest($2::bigint[], $3::bigint[]) AS u (id, txid)`,
		name, ids, txids)
	if err != nil {
		return fmt.Errorf("events: record deliveries of %s: %w", name, err)
	}
	return nil
}

func setHorizon(ctx context.Context, tx *sql.Tx, name string, horizon int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE event_consumers SET horizon = $1, updated_at = $2 WHERE name = $3`,
		horizon, db.Time(db.Now()), name)
	if err != nil {
		return fmt.Errorf("events: record progress of %s: %w", name, err)
	}
	return nil
}
