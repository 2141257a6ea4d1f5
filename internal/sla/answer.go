package sla

import (
	"context"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// MetricSLA is one metric of a ticket as GET /api/v1/tickets/{id}/sla and
// the ticket page show it: the newest clock of the metric.
type MetricSLA struct {
	Metric         string     `json:"metric"`
	TargetMinutes  int        `json:"target_minutes"`
	BusinessHours  bool       `json:"business_hours"`
	State          string     `json:"state"` // active, paused, fulfilled, breached
	DueAt          *time.Time `json:"due_at"`
	ElapsedSeconds int64      `json:"elapsed_seconds"`
	StartedAt      time.Time  `json:"started_at"`
	FulfilledAt    *time.Time `json:"fulfilled_at"`
	BreachedAt     *time.Time `json:"breached_at"`
	PolicyID       *int64     `json:"policy_id"`
	PolicyName     string     `json:"policy_name"`
	ScheduleID     *int64     `json:"schedule_id"`
	ScheduleName   string     `json:"schedule_name"`
	Segments       []Segment  `json:"segments"`
	Explanation    string     `json:"explanation"`
}

// TicketSLA answers a ticket's clocks, one per metric that has any, in
// the order of Metrics. A deadline that has passed reads breached even
// before the breach job has run.
func (s *Service) TicketSLA(ctx context.Context, ticketID int64) ([]MetricSLA, error) {
	q := s.db.Reader(ctx)
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE id = $1`, ticketID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.NotFound("ticket")
	}
	clocks, err := ticketClocks(ctx, q, s.db.Dialect(), ticketID, false)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []MetricSLA{}
	for _, metric := range Metrics {
		c := newest(clocks, metric)
		if c == nil {
			continue
		}
		m, err := s.answer(ctx, q, c, now)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// newest is the latest clock of metric that was not cancelled.
func newest(clocks []*Clock, metric string) *Clock {
	for i := len(clocks) - 1; i >= 0; i-- {
		if c := clocks[i]; c.Metric == metric && c.State != Cancelled {
			return c
		}
	}
	return nil
}

func (s *Service) answer(ctx context.Context, q db.Queryer, c *Clock, now time.Time) (MetricSLA, error) {
	if c.ScheduleID != nil {
		cal, err := loadCalendar(ctx, q, *c.ScheduleID)
		if err != nil {
			return MetricSLA{}, err
		}
		c.calendar = cal
	}
	segs, err := clockSegments(ctx, q, c.ID)
	if err != nil {
		return MetricSLA{}, err
	}
	state := c.State
	breachedAt := c.BreachedAt
	if state == Active && c.DueAt != nil && !c.DueAt.After(now) {
		state, breachedAt = Breached, c.DueAt
	}
	end := now
	if c.FulfilledAt != nil {
		end = *c.FulfilledAt
	}
	return MetricSLA{Metric: c.Metric, TargetMinutes: c.TargetMinutes, BusinessHours: c.BusinessHours,
		State: state, DueAt: c.DueAt, ElapsedSeconds: int64(c.Used(end) / time.Second), StartedAt: c.StartedAt,
		FulfilledAt: c.FulfilledAt, BreachedAt: breachedAt, PolicyID: c.PolicyID, PolicyName: c.PolicyName,
		ScheduleID: c.ScheduleID, ScheduleName: c.ScheduleName, Segments: segs,
		Explanation: explain(c, state, segs, now)}, nil
}
