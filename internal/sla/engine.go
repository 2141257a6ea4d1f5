package sla

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/schedule"
)

// work is one ticket's clocks while a change is applied to them.
type work struct {
	ticketID  int64
	st        *ticketState
	clocks    []*Clock
	at        time.Time            // when the change happened
	want      map[string]time.Time // clocks a change asks to start, and from when
	calendars map[int64]*schedule.Calendar
}

// latest returns the ticket's newest clock of metric, or nil.
func (w *work) latest(metric string) *Clock {
	for i := len(w.clocks) - 1; i >= 0; i-- {
		if w.clocks[i].Metric == metric {
			return w.clocks[i]
		}
	}
	return nil
}

// openClock returns the ticket's open clock of metric, or nil.
func (w *work) openClock(metric string) *Clock {
	if c := w.latest(metric); c != nil && c.open() {
		return c
	}
	return nil
}

// unmet returns the clock of metric still waiting to be met: open, or
// breached and not yet fulfilled.
func (w *work) unmet(metric string) *Clock {
	if c := w.latest(metric); c != nil && (c.open() || (c.State == Breached && c.FulfilledAt == nil)) {
		return c
	}
	return nil
}

// agentReplied: a public agent reply meets first reply, next reply and the
// periodic update, and starts the next periodic update.
func (w *work) agentReplied() {
	for _, m := range []string{FirstReply, NextReply, PeriodicUpdate} {
		if c := w.unmet(m); c != nil {
			c.fulfil(w.at)
		}
	}
	w.want[PeriodicUpdate] = w.at
}

// customerWrote: once the first reply is behind us, a customer message
// nobody is answering yet starts a next-reply clock.
func (w *work) customerWrote() {
	first := w.latest(FirstReply)
	answered := (first != nil && first.FulfilledAt != nil) ||
		(w.st.FirstReplyAt != nil && !w.st.FirstReplyAt.After(w.at))
	if answered && w.unmet(NextReply) == nil {
		w.want[NextReply] = w.at
	}
}

// statusChanged: solving meets every clock (nobody waits any more);
// reopening starts resolution and periodic updates again; other changes
// pause and resume, which retarget does for every open clock.
func (w *work) statusChanged(before, after string) {
	switch {
	case isSolved(after):
		for _, c := range w.clocks {
			if c.open() || (c.State == Breached && c.FulfilledAt == nil) {
				c.fulfil(w.at)
			}
		}
	case isSolved(before):
		w.want[Resolution] = w.at
		w.want[PeriodicUpdate] = w.at
	}
}

// defaultStarts adds the clocks an unsolved ticket should have running
// when nothing asked for them explicitly: after a new or changed policy,
// or the ticket's first event.
func (w *work) defaultStarts(lastReply *time.Time) {
	if w.st.solved() {
		return
	}
	fresh := func(m string) bool { c := w.latest(m); return c == nil || c.State == Cancelled }
	setDefault := func(m string, at time.Time) {
		if _, ok := w.want[m]; !ok && w.openClock(m) == nil {
			w.want[m] = at
		}
	}
	if fresh(FirstReply) && (w.st.FirstReplyAt == nil || w.st.FirstReplyAt.After(w.at)) {
		setDefault(FirstReply, w.st.CreatedAt)
	}
	if fresh(Resolution) {
		setDefault(Resolution, w.st.CreatedAt)
	}
	periodic := w.st.CreatedAt
	if lastReply != nil && lastReply.After(periodic) && !lastReply.After(w.at) {
		periodic = *lastReply
	}
	if fresh(PeriodicUpdate) {
		setDefault(PeriodicUpdate, periodic)
	}
	if w.st.FirstReplyAt != nil && !w.st.FirstReplyAt.After(w.at) && w.st.WaitingSince != nil && w.unmet(NextReply) == nil {
		setDefault(NextReply, *w.st.WaitingSince)
	}
}

// handleEvent applies one ticket event to the ticket's clocks.
func (s *Service) handleEvent(ctx context.Context, tx *sql.Tx, e *events.Event) error {
	if !concerns(e) {
		return nil
	}
	w, err := s.load(ctx, tx, e.TicketID, e.At, e.ID)
	if errors.Is(err, errTicketGone) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case e.Type == "message.added" && e.Data["kind"] == "reply" && e.ActorType == events.ActorAgent:
		w.agentReplied()
	case e.Type == "message.added" && e.Data["kind"] == "reply" && e.ActorType == events.ActorCustomer:
		w.customerWrote()
	case e.Type == "ticket.status_changed":
		before, _ := e.Data["before"].(string)
		after, _ := e.Data["after"].(string)
		w.statusChanged(before, after)
	}
	policies, err := listPolicies(ctx, tx)
	if err != nil {
		return err
	}
	return s.retarget(ctx, tx, w, policies)
}

// concerns says whether an event can change a ticket's clocks.
func concerns(e *events.Event) bool {
	switch e.Type {
	case "ticket.created", "ticket.status_changed", "ticket.priority_changed", "ticket.team_changed",
		"ticket.tags_changed", "ticket.custom_status_changed", "ticket.merged", "ticket.split":
		return true
	case "message.added":
		return e.Data["kind"] == "reply"
	}
	return false
}

// load reads a ticket and its clocks, locked, as of event eventID (0: now).
func (s *Service) load(ctx context.Context, tx *sql.Tx, ticketID int64, at time.Time, eventID int64) (*work, error) {
	st, err := loadTicket(ctx, tx, ticketID)
	if err != nil {
		return nil, err
	}
	if eventID > 0 {
		if st.Status, err = statusAfter(ctx, tx, ticketID, eventID, st.Status); err != nil {
			return nil, err
		}
	}
	clocks, err := ticketClocks(ctx, tx, s.db.Dialect(), ticketID, true)
	if err != nil {
		return nil, err
	}
	w := &work{ticketID: ticketID, st: st, clocks: clocks, at: at, want: map[string]time.Time{},
		calendars: map[int64]*schedule.Calendar{}}
	for _, c := range clocks {
		if c.ScheduleID != nil {
			if c.calendar, err = w.calendar(ctx, tx, *c.ScheduleID); err != nil {
				return nil, err
			}
		}
	}
	return w, nil
}

// calendar compiles schedule id once per change; a deleted schedule counts
// every hour.
func (w *work) calendar(ctx context.Context, q db.Queryer, id int64) (*schedule.Calendar, error) {
	if c, ok := w.calendars[id]; ok {
		return c, nil
	}
	cal, err := loadCalendar(ctx, q, id)
	if err != nil {
		return nil, err
	}
	w.calendars[id] = cal
	return cal, nil
}

// loadCalendar compiles schedule id; a deleted schedule is nil, which
// counts every hour.
func loadCalendar(ctx context.Context, q db.Queryer, id int64) (*schedule.Calendar, error) {
	sc, err := schedule.Load(ctx, q, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return sc.Calendar()
}

// retarget matches the ticket's policy now, moves open clocks onto its
// targets and schedule, starts the clocks that are wanted, pauses or
// resumes by status, and saves what changed.
func (s *Service) retarget(ctx context.Context, tx *sql.Tx, w *work, policies []*Policy) error {
	var policy *Policy
	for _, p := range policies {
		if p.Matches(w.st.Facts) {
			policy = p
			break
		}
	}
	sched, err := schedule.ForTeam(ctx, tx, w.st.TeamID)
	if err != nil {
		return err
	}
	lastReply, err := lastAgentReply(ctx, tx, w.ticketID)
	if err != nil {
		return err
	}
	w.defaultStarts(lastReply)
	for _, metric := range Metrics {
		var target targeted
		ok := false
		if policy != nil {
			var t Target
			if t, ok = policy.Target(metric); ok {
				target = targeted{Policy: policy, Target: t}
			}
		}
		if err := s.retargetMetric(ctx, tx, w, metric, target, ok, sched); err != nil {
			return err
		}
	}
	return s.persist(ctx, tx, w)
}

// targeted is a policy's target with the policy it came from.
type targeted struct {
	Policy *Policy
	Target Target
}

func (s *Service) retargetMetric(ctx context.Context, tx *sql.Tx, w *work, metric string, t targeted, ok bool, sched *schedule.Schedule) error {
	open := w.openClock(metric)
	if !ok {
		if open != nil {
			open.cancel(w.at)
		}
		return nil
	}
	var cal *schedule.Calendar
	var schedID *int64
	schedName := ""
	if t.Target.BusinessHours && sched != nil {
		var err error
		if cal, err = w.calendar(ctx, tx, sched.ID); err != nil {
			return err
		}
		id := sched.ID
		schedID, schedName = &id, sched.Name
	}
	if open == nil {
		start, wanted := w.want[metric]
		if !wanted {
			return nil
		}
		c := &Clock{TicketID: w.ticketID, Metric: metric, State: Active, StartedAt: start, RunningSince: &start,
			AtRiskShare: DefaultAtRiskShare}
		w.clocks = append(w.clocks, c)
		c.setTarget(t, cal, schedID, schedName, w.st)
		c.plan()
		c.append(SegStarted, start, w.st.Status)
		c.follow(w.st.Status, later(start, w.at))
		return nil
	}
	changed, dueBefore := open.differs(t, schedID, w.st), open.DueAt
	if changed {
		open.checkpoint(w.at)
	}
	open.setTarget(t, cal, schedID, schedName, w.st)
	open.plan()
	if changed || !sameTime(dueBefore, open.DueAt) {
		open.append(SegRetargeted, w.at, w.st.Status)
	}
	open.follow(w.st.Status, w.at)
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

func sameID(a, b *int64) bool { return derefID(a) == derefID(b) }

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// differs says whether t, the schedule or the ticket's grouping would
// change the clock's targeting.
func (c *Clock) differs(t targeted, schedID *int64, st *ticketState) bool {
	return derefID(c.PolicyID) != t.Policy.ID || c.TargetMinutes != t.Target.Minutes ||
		c.BusinessHours != t.Target.BusinessHours || !slices.Equal(c.PauseStatuses, t.Target.PauseStatuses) ||
		!sameID(c.ScheduleID, schedID) || !sameID(c.TeamID, st.TeamID) || c.Channel != st.Channel ||
		c.Priority != st.Priority
}

func (c *Clock) setTarget(t targeted, cal *schedule.Calendar, schedID *int64, schedName string, st *ticketState) {
	id := t.Policy.ID
	c.PolicyID, c.PolicyName = &id, t.Policy.Name
	c.TargetMinutes, c.BusinessHours = t.Target.Minutes, t.Target.BusinessHours
	c.PauseStatuses = slices.Clone(t.Target.PauseStatuses)
	if c.PauseStatuses == nil {
		c.PauseStatuses = defaultPauses(c.Metric)
	}
	c.calendar, c.ScheduleID, c.ScheduleName = cal, schedID, schedName
	c.TeamID, c.Channel, c.Priority = st.TeamID, st.Channel, st.Priority
}

// persist writes the clocks that changed, their new segments, and a check
// job for each active clock's next moment (at risk, then due).
func (s *Service) persist(ctx context.Context, tx *sql.Tx, w *work) error {
	now := s.now()
	var saved []*Clock
	for _, c := range w.clocks {
		if c.ID != 0 && len(c.log) == 0 {
			continue
		}
		saved = append(saved, c)
		c.UpdatedAt = now
		var err error
		if c.ID == 0 {
			err = insertClock(ctx, tx, c)
		} else {
			err = saveClock(ctx, tx, c)
		}
		if err != nil {
			return err
		}
		if err := appendSegments(ctx, tx, c); err != nil {
			return err
		}
		if err := s.scheduleCheck(ctx, tx, c); err != nil {
			return err
		}
	}
	return s.clocksChanged(ctx, tx, saved)
}

// CheckJob is the job kind that fires sla.at_risk and sla.breached.
const CheckJob = "sla.check"

type checkPayload struct {
	ClockID int64 `json:"clock_id"`
}

// scheduleCheck queues the check of an active clock's next moment. Jobs
// left over from an earlier deadline run, find nothing due and stop, so
// re-targeting needs no clean-up.
func (s *Service) scheduleCheck(ctx context.Context, tx *sql.Tx, c *Clock) error {
	if c.State != Active || s.queue == nil {
		return nil
	}
	next := c.DueAt
	if c.AtRiskFiredAt == nil && c.AtRiskAt != nil {
		next = c.AtRiskAt
	}
	if next == nil {
		return nil
	}
	key := fmt.Sprintf("%d@%d", c.ID, next.UnixMilli())
	_, err := s.queue.Enqueue(ctx, tx, CheckJob, checkPayload{ClockID: c.ID},
		jobs.EnqueueOptions{RunAt: *next, UniqueKey: key})
	return err
}

// eventData is what sla.at_risk and sla.breached carry.
func eventData(c *Clock) map[string]any {
	return map[string]any{"clock_id": c.ID, "metric": c.Metric, "due_at": c.DueAt, "target_minutes": c.TargetMinutes,
		"business_hours": c.BusinessHours, "team_id": c.TeamID, "policy_id": c.PolicyID}
}

func changeBefore(data string) string {
	var d struct {
		Before any `json:"before"`
	}
	if json.Unmarshal([]byte(data), &d) != nil {
		return ""
	}
	s, _ := d.Before.(string)
	return s
}
