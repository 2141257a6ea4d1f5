package events

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Filter picks the events a subscriber wants. Its zero value wants all.
type Filter struct {
	TicketID int64    // only this ticket's events, when not 0
	Types    []string // only these types, when not empty
}

func (f Filter) match(e *Event) bool {
	if f.TicketID != 0 && e.TicketID != f.TicketID {
		return false
	}
	return len(f.Types) == 0 || slices.Contains(f.Types, e.Type)
}

type subscriber struct {
	filter Filter
	ch     chan Event
	stop   func() bool // ends the context.AfterFunc that unsubscribes
}

// Subscribe returns a channel of the events committed from now on that
// match f, in order, for the live UI. It is best effort: the channel is
// closed when ctx ends, when the bus stops, or when the subscriber falls a
// whole buffer behind (Options.SubscriberBuffer); a channel closed while ctx
// is still live means events were missed, so the subscriber should reload
// what it shows and subscribe again.
func (b *Bus) Subscribe(ctx context.Context, f Filter) <-chan Event {
	s := &subscriber{filter: f, ch: make(chan Event, b.opts.SubscriberBuffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		close(s.ch)
		return s.ch
	}
	b.subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.dropLocked(s)
	})
	return s.ch
}

// publish hands events to the subscribers without ever waiting: one whose
// buffer is full is dropped.
func (b *Bus) publish(evs []delivery) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range evs {
		for s := range b.subs {
			if !s.filter.match(&d.event) {
				continue
			}
			select {
			case s.ch <- d.event:
			default:
				b.dropLocked(s)
				b.stats.dropped.Add(1)
			}
		}
	}
}

// dropAll closes every subscriber's channel; with stop, later subscribers
// get a closed channel at once.
func (b *Bus) dropAll(stop bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		b.dropLocked(s)
	}
	b.stopped = b.stopped || stop
}

func (b *Bus) dropLocked(s *subscriber) {
	if _, ok := b.subs[s]; !ok {
		return
	}
	delete(b.subs, s)
	close(s.ch)
	if s.stop != nil {
		s.stop()
	}
}

// liveFeed is the node's own cursor over the outbox for its subscribers:
// the same horizon and delivered set as a durable consumer's, in memory.
type liveFeed struct {
	started bool
	horizon int64           // SQLite: the last outbox id read
	seen    map[int64]int64 // PostgreSQL: outbox id → txid of rows read at or above the horizon
	limit   int             // the size of seen that makes the feed start over
}

// start places the feed at the current end of the outbox. maxSeen bounds
// its delivered set (Options.MaxSeen); a feed that starts with a large set
// (a transaction is still open) may grow to twice that, so it does not
// start over at every round.
func (f *liveFeed) start(ctx context.Context, d *db.DB, maxSeen int) error {
	f.seen = map[int64]int64{}
	if d.Dialect() == db.SQLite {
		if err := d.Reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&f.horizon); err != nil {
			return fmt.Errorf("events: start live feed: %w", err)
		}
		f.started = true
		return nil
	}
	// One statement, so one snapshot: rows of transactions that ended before
	// its xmin are behind the horizon, and the visible rows at or above it
	// are already in the past, so they count as read.
	rows, err := d.Reader(ctx).QueryContext(ctx, `
		WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
		SELECT snap.xmin, o.id, o.txid FROM snap LEFT JOIN outbox o ON o.txid >= snap.xmin`)
	if err != nil {
		return fmt.Errorf("events: start live feed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, txid sql.NullInt64
		if err := rows.Scan(&f.horizon, &id, &txid); err != nil {
			return fmt.Errorf("events: start live feed: %w", err)
		}
		if id.Valid {
			f.seen[id.Int64] = txid.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("events: start live feed: %w", err)
	}
	f.started, f.limit = true, max(maxSeen, 2*len(f.seen))
	return nil
}

// next reads the next batch of rows the feed has not read, and reports
// whether it read them all.
func (f *liveFeed) next(ctx context.Context, d *db.DB, size int) (rows []delivery, drained bool, err error) {
	if d.Dialect() == db.SQLite {
		rows, err = readSQLite(ctx, d.Reader(ctx), f.horizon, size)
		if err != nil {
			return nil, false, err
		}
		if len(rows) > 0 {
			f.horizon = rows[len(rows)-1].outboxID
		}
		return rows, len(rows) < size, nil
	}
	ids := make([]int64, 0, len(f.seen))
	for id := range f.seen {
		ids = append(ids, id)
	}
	xmin, rows, err := readPG(ctx, d.Reader(ctx), pgLiveBatch, f.horizon, ids, size)
	if err != nil {
		return nil, false, err
	}
	for _, r := range rows {
		f.seen[r.outboxID] = r.txid
	}
	drained = len(rows) < size
	if drained && xmin > f.horizon {
		f.horizon = xmin
		for id, txid := range f.seen {
			if txid < xmin {
				delete(f.seen, id)
			}
		}
	}
	return rows, drained, nil
}

// overflowing reports whether the delivered set has grown past its bound.
func (f *liveFeed) overflowing() bool { return len(f.seen) > f.limit }
