package events

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// channel names the NOTIFY channel of the current schema, so that
// Centerdesks sharing a PostgreSQL database in separate schemas do not wake
// each other. Channel names are identifiers (at most 63 bytes), hence the
// hash.
func (b *Bus) channel(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.channelName != "" {
		return b.channelName, nil
	}
	var schema string
	if err := b.db.Reader(ctx).QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("events: read current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	b.channelName = fmt.Sprintf("centerdesk_events_%x", h.Sum64())
	return b.channelName, nil
}

// announce tells every node that events were committed here. It is only a
// wake-up: listeners read the events from the tables.
func (b *Bus) announce(ctx context.Context) {
	ch, err := b.channel(ctx)
	if err == nil {
		_, err = b.db.Writer(ctx).ExecContext(ctx, `SELECT pg_notify($1, '')`, ch)
	}
	if err != nil {
		b.logErr(ctx, "events: notify other nodes", err)
	}
}

// listen wakes the dispatcher whenever another node announces events, until
// ctx ends, reconnecting after failures (the poll covers the gap).
func (b *Bus) listen(ctx context.Context) {
	delay := time.Second
	for {
		err := b.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		b.logErr(ctx, "events: listening for other nodes' events failed; retrying", err, "in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

// listenOnce holds one pooled connection for LISTEN until it fails or ctx
// ends. The connection is then discarded rather than returned to the pool,
// since it is still listening (or broken).
func (b *Bus) listenOnce(ctx context.Context) error {
	ch, err := b.channel(ctx)
	if err != nil {
		return err
	}
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("events: listen: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("events: listen: unexpected driver connection %T", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return errors.Join(driver.ErrBadConn, fmt.Errorf("events: listen: %w", err))
		}
		// Events committed while nobody listened would otherwise wait for
		// the poll.
		signal(b.remote)
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				return errors.Join(driver.ErrBadConn, fmt.Errorf("events: wait for notification: %w", err))
			}
			signal(b.remote)
		}
	})
	return err
}
