package view

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Counts are asked for often and all at once: every agent's inbox refetches
// them whenever any ticket changes. A count is therefore kept until the
// tickets change (the latest updated_at moves: every ticket write sets it)
// or countTTL passes (views over a time window change with the clock), and
// agents asking for the same count at the same moment share one query.

// countTTL bounds how long a count is kept while no ticket changes.
const countTTL = 30 * time.Second

// maxCountEntries bounds the cache; stale entries go first.
const maxCountEntries = 10000

type countCache struct {
	mu      sync.Mutex
	entries map[string]*countEntry
}

type countEntry struct {
	done chan struct{} // closed when n and err are set
	gen  string        // the tickets' latest change when counted
	at   time.Time
	n    int64
	err  error
}

// get returns the count for key as of generation gen, computing it once
// however many ask at the same time.
func (c *countCache) get(key, gen string, now time.Time, compute func() (int64, error)) (int64, error) {
	c.mu.Lock()
	if e := c.entries[key]; e != nil && e.gen == gen && now.Sub(e.at) < countTTL {
		c.mu.Unlock()
		<-e.done
		return e.n, e.err
	}
	if c.entries == nil {
		c.entries = map[string]*countEntry{}
	}
	if len(c.entries) >= maxCountEntries {
		c.prune(gen, now)
	}
	e := &countEntry{done: make(chan struct{}), gen: gen, at: now}
	c.entries[key] = e
	c.mu.Unlock()
	e.n, e.err = compute()
	close(e.done)
	if e.err != nil {
		c.forget(key, e)
	}
	return e.n, e.err
}

// forget drops a failed entry, so the next asker tries again.
func (c *countCache) forget(key string, e *countEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] == e {
		delete(c.entries, key)
	}
}

// prune drops entries of other generations or past their time, and all of
// them if that is not enough. It runs with mu held.
func (c *countCache) prune(gen string, now time.Time) {
	for k, e := range c.entries {
		if e.gen != gen || now.Sub(e.at) >= countTTL {
			delete(c.entries, k)
		}
	}
	if len(c.entries) >= maxCountEntries {
		clear(c.entries)
	}
}

// countKey names what a view counts for u: its filters, with "me" made
// the user (sort and columns do not change a count).
func countKey(u *user.User, v *View) string {
	f, _ := json.Marshal(v.Filters)
	me := ""
	if v.Filters.Assignee == AssigneeMe {
		me = strconv.FormatInt(u.ID, 10)
	}
	return me + "|" + string(f)
}

// ticketsGeneration is the latest change to any ticket: when it moves, the
// kept counts are stale.
func ticketsGeneration(ctx context.Context, q db.Queryer) (string, error) {
	var last sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT MAX(updated_at) FROM tickets`).Scan(&last); err != nil {
		return "", fmt.Errorf("view: tickets' last change: %w", err)
	}
	return last.String, nil
}

// Counts returns how many tickets each view holds for u, by view id. Each
// is one COUNT over the index that matches the view's main filter, kept
// until the tickets change.
func (s *Service) Counts(ctx context.Context, u *user.User, views []*View) (map[string]int64, error) {
	gen, err := ticketsGeneration(ctx, s.db.Reader(ctx))
	if err != nil {
		return nil, err
	}
	now := s.now()
	// The first asker's query serves all who wait on it, so it must not
	// end when that asker's request does.
	shared := context.WithoutCancel(ctx)
	out := make(map[string]int64, len(views))
	for _, v := range views {
		n, err := s.counts.get(countKey(u, v), gen, now, func() (int64, error) {
			return s.tickets.Count(shared, s.Filter(u, v))
		})
		if err != nil {
			return nil, err
		}
		out[v.ID] = n
	}
	return out, nil
}
