package sla

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
)

// ConsumerName keys the clocks' progress through the event stream.
const ConsumerName = "sla"

// Event types the clocks raise, each once per clock.
const (
	EventAtRisk   = "sla.at_risk"
	EventBreached = "sla.breached"
)

// Service keeps SLA policies and clocks.
type Service struct {
	db       *db.DB
	queue    *jobs.Queue
	now      func() time.Time
	onClocks []ClockHook
}

// ClockHook is told of the clocks a change saved, inside the transaction
// that saved them: the report roll-up keeps service level from it.
type ClockHook func(ctx context.Context, tx *sql.Tx, clocks []*Clock) error

// OnClockChange adds a hook called after every change of clocks. Call it
// while wiring, before the service is used.
func (s *Service) OnClockChange(h ClockHook) { s.onClocks = append(s.onClocks, h) }

// clocksChanged calls the hooks with the clocks a change saved.
func (s *Service) clocksChanged(ctx context.Context, tx *sql.Tx, clocks []*Clock) error {
	if len(clocks) == 0 {
		return nil
	}
	for _, h := range s.onClocks {
		if err := h(ctx, tx, clocks); err != nil {
			return err
		}
	}
	return nil
}

// Options adjust a Service; tests drive its time.
type Options struct {
	Now func() time.Time
}

// New returns a Service over d that fires its events through queue, and
// registers the check job's kind with it.
func New(d *db.DB, queue *jobs.Queue, opts Options) *Service {
	s := &Service{db: d, queue: queue, now: opts.Now}
	if s.now == nil {
		s.now = db.Now
	}
	if queue != nil {
		queue.Register(CheckJob, jobs.Kind{Handle: s.check})
	}
	return s
}

// Consumer is the durable event consumer that moves the clocks: every
// ticket event is applied once, in the transaction that records progress,
// at the time the event happened (so a late batch is as exact as a prompt
// one).
func (s *Service) Consumer() events.Consumer {
	return events.Consumer{Name: ConsumerName, Handle: func(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
		for i := range batch {
			if err := s.handleEvent(ctx, tx, &batch[i]); err != nil {
				return err
			}
		}
		return nil
	}}
}

// RetargetAll moves every unsolved ticket's clocks onto the policies and
// schedules as they are now, inside tx. Policy changes call it, and the
// schedule service calls it through its change hook, so a change applies
// to open tickets with the commit that makes it.
func (s *Service) RetargetAll(ctx context.Context, tx *sql.Tx) error {
	ids, err := openTicketIDs(ctx, tx)
	if err != nil {
		return err
	}
	policies, err := listPolicies(ctx, tx)
	if err != nil {
		return err
	}
	now := s.now()
	for _, id := range ids {
		w, err := s.load(ctx, tx, id, now, 0)
		if errors.Is(err, errTicketGone) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.retarget(ctx, tx, w, policies); err != nil {
			return err
		}
	}
	return nil
}

// OnScheduleChange is the schedule service's change hook.
func (s *Service) OnScheduleChange(ctx context.Context, tx *sql.Tx, _ int64) error {
	return s.RetargetAll(ctx, tx)
}

// check is the CheckJob handler: it fires sla.at_risk and sla.breached for
// the clock when their moments have come, each once (the clock's row
// records that it fired, in the transaction that appends the event), and
// queues the next moment.
func (s *Service) check(ctx context.Context, j *jobs.Job) error {
	var p checkPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.CheckClock(ctx, tx, p.ClockID); err != nil {
			return err
		}
		return s.queue.Finish(ctx, tx, j)
	})
}

// CheckClock fires what is due on one clock, inside tx.
func (s *Service) CheckClock(ctx context.Context, tx *sql.Tx, clockID int64) error {
	c, err := getClock(ctx, tx, s.db.Dialect(), clockID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if c.State != Active {
		return nil
	}
	if c.ScheduleID != nil {
		if c.calendar, err = loadCalendar(ctx, tx, *c.ScheduleID); err != nil {
			return err
		}
	}
	now := s.now()
	var fire []*events.Event
	if c.AtRiskFiredAt == nil && c.AtRiskAt != nil && !c.AtRiskAt.After(now) {
		c.AtRiskFiredAt = &now
		fire = append(fire, &events.Event{TicketID: c.TicketID, Type: EventAtRisk, At: now,
			ActorType: events.ActorSystem, Data: eventData(c)})
	}
	if c.breachIfDue(now) {
		fire = append(fire, &events.Event{TicketID: c.TicketID, Type: EventBreached, At: now,
			ActorType: events.ActorSystem, Data: eventData(c)})
	}
	if len(fire) == 0 {
		return s.scheduleCheck(ctx, tx, c)
	}
	c.UpdatedAt = now
	if err := saveClock(ctx, tx, c); err != nil {
		return err
	}
	if err := appendSegments(ctx, tx, c); err != nil {
		return err
	}
	if err := events.AppendAll(ctx, tx, fire...); err != nil {
		return err
	}
	if err := s.clocksChanged(ctx, tx, []*Clock{c}); err != nil {
		return err
	}
	return s.scheduleCheck(ctx, tx, c)
}

func ignoreNotFound(err error) error {
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // the ticket, and its clocks, were deleted
	}
	return err
}
