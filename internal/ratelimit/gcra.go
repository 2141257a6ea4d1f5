// Package ratelimit limits how often one client (an API token, an address)
// may call Centerdesk, and tells the client where it stands with the
// RateLimit-Policy and RateLimit header fields.
//
// The algorithm is GCRA (the generic cell rate algorithm, a token bucket
// kept as one timestamp per client): a quota of N requests a window lets N
// through at once, then one more every window/N. It keeps one int64 a
// client, in memory, per node: on several nodes each applies the limit on
// its own.
package ratelimit

import (
	"sync"
	"time"
)

// MaxKeys bounds the clients a Limiter remembers, so that a flood of new
// addresses costs bounded memory (about 40 bytes a client). Past it, a
// Limiter first forgets clients whose quota is whole again (which loses
// nothing) and then arbitrary ones (which hands those a fresh quota).
const MaxKeys = 1 << 17

const shards = 16 // spreads the lock over cores

// Limiter applies one quota per key. It is safe for concurrent use.
type Limiter struct {
	quota    int
	window   time.Duration
	interval int64 // nanoseconds between requests at the steady rate
	span     int64 // quota × interval: how far ahead a client may run
	now      func() time.Time
	maxShard int
	shards   [shards]shard
}

type shard struct {
	mu sync.Mutex
	// tat is each key's theoretical arrival time, in Unix nanoseconds: the
	// moment its quota is whole again.
	tat map[uint64]int64
}

// Decision is what a Limiter made of one request.
type Decision struct {
	Allowed bool
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// Reset is how long until the quota is whole again.
	Reset time.Duration
	// RetryAfter, when refused, is how long until one request is allowed.
	RetryAfter time.Duration
}

// New returns a Limiter of quota requests per window (quota > 0). now is
// the clock (time.Now when nil); tests pass their own.
func New(quota int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	interval := max(int64(window)/int64(quota), 1)
	l := &Limiter{quota: quota, window: window, interval: interval, span: interval * int64(quota),
		now: now, maxShard: MaxKeys / shards}
	for i := range l.shards {
		l.shards[i].tat = make(map[uint64]int64)
	}
	return l
}

// Quota is the requests allowed per Window.
func (l *Limiter) Quota() int { return l.quota }

// Window is the period the quota covers.
func (l *Limiter) Window() time.Duration { return l.window }

// Allow counts one request for key, unless it is over the quota. It takes
// no allocation and no lock beyond its key's shard.
func (l *Limiter) Allow(key uint64) Decision {
	now := l.now().UnixNano()
	s := &l.shards[key%shards]
	s.mu.Lock()
	defer s.mu.Unlock()
	tat, known := s.tat[key]
	tat = max(tat, now)
	next := tat + l.interval
	if allowAt := next - l.span; now < allowAt {
		return Decision{Remaining: l.remaining(now, tat), Reset: time.Duration(tat - now),
			RetryAfter: time.Duration(allowAt - now)}
	}
	if !known && len(s.tat) >= l.maxShard {
		s.evict(now, l.maxShard)
	}
	s.tat[key] = next
	return Decision{Allowed: true, Remaining: l.remaining(now, next), Reset: time.Duration(next - now)}
}

// remaining is how many requests fit before the quota runs out, for a key
// whose theoretical arrival time is tat.
func (l *Limiter) remaining(now, tat int64) int {
	return int(max((now+l.span-tat)/l.interval, 0))
}

// evict makes room in a full shard: first the keys whose quota is whole
// again, then, if that freed too little, any keys, down to 7/8 full, so
// that the sweep runs once per many new keys rather than on each.
func (s *shard) evict(now int64, limit int) {
	for k, tat := range s.tat {
		if tat <= now {
			delete(s.tat, k)
		}
	}
	for k := range s.tat {
		if len(s.tat) < limit-limit/8 {
			break
		}
		delete(s.tat, k)
	}
}

// size is how many keys l remembers, for tests.
func (l *Limiter) size() int {
	n := 0
	for i := range l.shards {
		l.shards[i].mu.Lock()
		n += len(l.shards[i].tat)
		l.shards[i].mu.Unlock()
	}
	return n
}
