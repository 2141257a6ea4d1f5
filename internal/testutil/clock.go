package testutil

import (
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Clock is a test's time, moved by hand, for the services that take a Now
// function: retries and reminders come due, and weeks pass, at once. A
// clock from NewClock stands where it was set; one from NewRunningClock is
// the real time plus how far the test has moved it, for tests whose rows
// are also stamped by the wall clock (the database's defaults, say).
type Clock struct {
	mu      sync.Mutex
	at      time.Time
	offset  time.Duration
	running bool
}

// NewClock returns a clock standing at at.
func NewClock(at time.Time) *Clock { return &Clock{at: at} }

// NewRunningClock returns a clock that runs with real time.
func NewRunningClock() *Clock { return &Clock{running: true} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return db.Now().Add(c.offset)
	}
	return c.at
}

// Add moves the clock forward by d (back, when d is negative).
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		c.offset += d
		return
	}
	c.at = c.at.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		c.offset = t.Sub(db.Now())
		return
	}
	c.at = t
}
