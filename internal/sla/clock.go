package sla

import (
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/schedule"
)

// Clock states. Cancelled clocks (no policy targets the metric any more)
// are kept for their history but left out of answers and service level.
const (
	Active    = "active"
	Paused    = "paused"
	Fulfilled = "fulfilled"
	Breached  = "breached"
	Cancelled = "cancelled"
)

// Segment kinds, the clock's append-only log.
const (
	SegStarted    = "started"
	SegPaused     = "paused"
	SegResumed    = "resumed"
	SegFulfilled  = "fulfilled"
	SegBreached   = "breached"
	SegRetargeted = "retargeted"
	SegCancelled  = "cancelled"
)

// DefaultAtRiskShare is the share of a target, in percent, at which a
// clock is at risk.
const DefaultAtRiskShare = 75

// Clock measures one ticket against one metric's target for one cycle.
type Clock struct {
	ID            int64
	TicketID      int64
	Metric        string
	State         string
	PolicyID      *int64
	PolicyName    string
	TargetMinutes int
	BusinessHours bool
	PauseStatuses []string
	AtRiskShare   int
	ScheduleID    *int64
	ScheduleName  string
	TeamID        *int64
	Channel       string
	Priority      string
	StartedAt     time.Time
	RunningSince  *time.Time // while active (breached clocks keep running until met)
	UsedMillis    int64      // open time used before RunningSince
	DueAt         *time.Time
	AtRiskAt      *time.Time
	AtRiskFiredAt *time.Time
	BreachedAt    *time.Time
	FulfilledAt   *time.Time
	UpdatedAt     time.Time

	// calendar is the open time the clock counts, from its schedule.
	calendar *schedule.Calendar
	// log holds the segments this change appends.
	log []Segment
}

// Segment is one entry of a clock's log.
type Segment struct {
	Kind          string     `json:"kind"`
	At            time.Time  `json:"at"`
	Status        string     `json:"status,omitempty"`
	TargetMinutes int        `json:"target_minutes"`
	ScheduleID    *int64     `json:"schedule_id"`
	ScheduleName  string     `json:"schedule_name,omitempty"`
	DueAt         *time.Time `json:"due_at"`
}

// open says whether the clock still runs or waits (active or paused).
func (c *Clock) open() bool { return c.State == Active || c.State == Paused }

// running says whether open time counts now: active, or breached and not
// yet met.
func (c *Clock) running() bool { return c.RunningSince != nil }

func (c *Clock) cal() *schedule.Calendar {
	if c.calendar == nil || !c.BusinessHours {
		return schedule.AllHours()
	}
	return c.calendar
}

func (c *Clock) target() time.Duration { return time.Duration(c.TargetMinutes) * time.Minute }

// Used is the open time the clock has counted up to t.
func (c *Clock) Used(t time.Time) time.Duration {
	used := time.Duration(c.UsedMillis) * time.Millisecond
	if c.running() && t.After(*c.RunningSince) {
		used += c.cal().Elapsed(*c.RunningSince, t)
	}
	return used
}

func (c *Clock) append(kind string, at time.Time, status string) {
	c.log = append(c.log, Segment{Kind: kind, At: at, Status: status, TargetMinutes: c.TargetMinutes,
		ScheduleID: c.ScheduleID, ScheduleName: c.ScheduleName, DueAt: c.DueAt})
}

// checkpoint folds the open time up to t into UsedMillis, so the
// calendar or target can change from t on.
func (c *Clock) checkpoint(t time.Time) {
	if !c.running() {
		return
	}
	c.UsedMillis = c.Used(t).Milliseconds()
	c.RunningSince = &t
}

// plan sets the deadline and the at-risk moment of an active clock from
// what is left of its target.
func (c *Clock) plan() {
	if c.State != Active || c.RunningSince == nil {
		if c.State == Paused {
			c.DueAt, c.AtRiskAt = nil, nil
		}
		return
	}
	used := time.Duration(c.UsedMillis) * time.Millisecond
	c.DueAt = c.moment(c.target() - used)
	share := c.AtRiskShare
	if share <= 0 || share > 100 {
		share = DefaultAtRiskShare
	}
	c.AtRiskAt = c.moment(c.target()*time.Duration(share)/100 - used)
}

// moment is when left more open time has passed after RunningSince; a
// target already used up is due at once.
func (c *Clock) moment(left time.Duration) *time.Time {
	at, err := c.cal().AddOpen(*c.RunningSince, max(left, 0))
	if err != nil {
		return nil // no open time within reach: no deadline to keep
	}
	return &at
}

func (c *Clock) pausesOn(status string) bool { return slices.Contains(c.PauseStatuses, status) }

// follow pauses or resumes the clock as the ticket's status at t asks.
func (c *Clock) follow(status string, t time.Time) {
	switch {
	case c.State == Active && c.pausesOn(status):
		c.checkpoint(t)
		c.RunningSince = nil
		c.State = Paused
		c.plan()
		c.append(SegPaused, t, status)
	case c.State == Paused && !c.pausesOn(status):
		c.RunningSince = &t
		c.State = Active
		c.plan()
		c.append(SegResumed, t, status)
	}
}

// breachIfDue marks an active clock breached when its deadline is at or
// before t; it reports whether it did.
func (c *Clock) breachIfDue(t time.Time) bool {
	if c.State != Active || c.DueAt == nil || c.DueAt.After(t) {
		return false
	}
	due := *c.DueAt
	c.State, c.BreachedAt = Breached, &due
	c.append(SegBreached, due, "")
	return true
}

// fulfil records the metric met at t. A deadline already passed (the
// breach job may not have run yet, the server may have been down) is a
// breach first, at its own time.
func (c *Clock) fulfil(t time.Time) {
	c.breachIfDue(t)
	c.checkpoint(t)
	c.RunningSince = nil
	c.FulfilledAt = &t
	if c.State != Breached {
		c.State = Fulfilled
	}
	c.append(SegFulfilled, t, "")
}

// cancel closes an open clock that no policy targets any more.
func (c *Clock) cancel(t time.Time) {
	c.checkpoint(t)
	c.RunningSince = nil
	c.State = Cancelled
	c.DueAt, c.AtRiskAt = nil, nil
	c.append(SegCancelled, t, "")
}
