package presence

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Relay carries heartbeats between nodes over a PostgreSQL NOTIFY channel
// (the payload is the heartbeat, a few dozen bytes). It is its own channel,
// not the event bus's: presence is not history and must not fill the event
// log.
type Relay struct {
	db  *db.DB
	log *slog.Logger

	mu      sync.Mutex
	channel string
}

// NewRelay returns a relay over d, or nil on SQLite (one node).
func NewRelay(d *db.DB, log *slog.Logger) *Relay {
	if d.Dialect() != db.Postgres {
		return nil
	}
	return &Relay{db: d, log: log}
}

// channelName is per schema, so Centerdesks sharing a database in separate
// schemas do not see each other's agents.
func (r *Relay) channelName(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.channel != "" {
		return r.channel, nil
	}
	var schema string
	if err := r.db.Reader(ctx).QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("presence: read current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	r.channel = fmt.Sprintf("centerdesk_presence_%x", h.Sum64())
	return r.channel, nil
}

func (r *Relay) publish(ctx context.Context, u update) error {
	ch, err := r.channelName(ctx)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("presence: encode: %w", err)
	}
	if _, err := r.db.Writer(ctx).ExecContext(ctx, `SELECT pg_notify($1, $2)`, ch, string(payload)); err != nil {
		return fmt.Errorf("presence: notify: %w", err)
	}
	return nil
}

// listen applies other nodes' heartbeats until ctx ends, reconnecting after
// failures (a heartbeat lost meanwhile is made good by the next one).
func (r *Relay) listen(ctx context.Context, apply func(update)) {
	delay := time.Second
	for {
		err := r.listenOnce(ctx, apply)
		if ctx.Err() != nil {
			return
		}
		r.log.Error("presence: listening for other nodes failed; retrying", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

func (r *Relay) listenOnce(ctx context.Context, apply func(update)) error {
	ch, err := r.channelName(ctx)
	if err != nil {
		return err
	}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("presence: listen: %w", err)
	}
	defer conn.Close()
	// The connection is discarded afterwards (ErrBadConn), since it is still
	// listening or broken.
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("presence: listen: unexpected driver connection %T", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return errors.Join(driver.ErrBadConn, fmt.Errorf("presence: listen: %w", err))
		}
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				return errors.Join(driver.ErrBadConn, fmt.Errorf("presence: wait for notification: %w", err))
			}
			var u update
			if err := json.Unmarshal([]byte(n.Payload), &u); err != nil {
				r.log.Warn("presence: bad heartbeat from another node", "err", err)
				continue
			}
			if _, err := ParseState(u.State); err == nil && u.TicketID > 0 && u.AgentID > 0 {
				apply(u)
			}
		}
	})
}

func randomNode() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
