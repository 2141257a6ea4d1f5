package staffing

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/sla"
)

// The staffing plan: how many people the desk's live channels need over the
// next hours, against how many are at work, and whether the people at work
// can clear the email waiting before its deadlines.
//
//   - Arrivals: ForecastHours, the same weekday hours of the last 4 weeks.
//   - Handle time: the desk's average for the channel, never one agent's:
//     the mean time from creation to solve of the channel's tickets solved
//     in the last ContactDays days within ContactLimit (a live contact is
//     handled while the customer is on the line; tickets left open longer
//     were followed up, not handled in one contact). With fewer than
//     MinContacts such tickets, DefaultHandleSeconds.
//   - Target answer time: the first-reply target the first SLA policy
//     matching a typical new ticket of the channel sets (normal priority,
//     no team or tag); else DefaultTargetSeconds of the channel.
//   - Goal: the desk's service-level goal as a share (95% is 0.95; 100% is
//     taken as MaxGoal, as no queue answers everyone in target).
//   - Agents needed: Erlang C for that load, target and goal; no shrinkage,
//     as the people counted are already at work.
//   - Agents online: those with a live heartbeat on any ticket now. The
//     desk keeps no rota, so that number is also the best known figure for
//     every coming hour. The live channels share them: phone (a caller
//     holds the line) is served first, chat from those left.
//   - Recommendation: per channel and hour, add = needed - available when
//     positive; consecutive hours asking for the same number are merged
//     into one range, written in the desk's zone ("add 2 people
//     14:00-16:00").
//   - Email: work waiting = unsolved email tickets × EmailHandleSeconds;
//     people available = agents left after the live channels' needs of the
//     current hour × hours until the nearest first-reply, next-reply or
//     resolution deadline of a running email clock (the plan's horizon when
//     none is nearer). Short = work - people, when positive.

// Plan inputs' defaults and bounds.
const (
	ContactDays          = 28
	ContactLimit         = 2 * time.Hour
	MinContacts          = 5
	DefaultHandleSeconds = 300
	EmailHandleSeconds   = 600
	MaxGoal              = 0.99
)

// LiveChannels are the channels a customer waits on in line, in the order
// they are served from the agents online.
var LiveChannels = []string{"phone", "chat"}

// DefaultTargetSeconds is the answer time a live channel is planned for
// when no SLA policy sets its first reply: 80/20 for phone, a minute for
// chat.
var DefaultTargetSeconds = map[string]float64{"phone": 20, "chat": 60}

// WorkCounter measures the desk's work: unsolved tickets and the length of
// live contacts. The report roll-up answers it.
type WorkCounter interface {
	Open(ctx context.Context, channel string) (int64, error)
	ContactSeconds(ctx context.Context, channel string, since time.Time, limit time.Duration) (float64, int64, error)
}

// Targets are the desk's SLA: a typical ticket's target, the nearest
// deadline of a channel, the goal. The sla service answers it.
type Targets interface {
	TypicalTarget(ctx context.Context, channel, metric string) (sla.Target, bool, error)
	NextDue(ctx context.Context, channel string, metrics []string) (*time.Time, error)
	DeskGoal(ctx context.Context) (sla.Goal, error)
}

// Headcount tells who is at work now. The presence hub answers it.
type Headcount interface {
	Online() []int64
}

// Zoner answers the desk's time zone. The schedule service answers it.
type Zoner interface {
	DeskZone(ctx context.Context) (*time.Location, error)
}

// Sources are what a plan reads.
type Sources struct {
	Arrivals ArrivalCounter
	Work     WorkCounter
	SLA      Targets
	People   Headcount
	Zone     Zoner
}

// PlanResult is the next hours of the live channels and the email
// backlog's capacity.
type PlanResult struct {
	At           time.Time     `json:"at"`
	TimeZone     string        `json:"time_zone"`
	Hours        int           `json:"hours"`
	Goal         float64       `json:"goal"` // the share answered within target planned for
	AgentsOnline int           `json:"agents_online"`
	Channels     []ChannelPlan `json:"channels"`
	Email        EmailCapacity `json:"email"`
}

// ChannelPlan is one live channel's next hours.
type ChannelPlan struct {
	Channel         string           `json:"channel"`
	HandleSeconds   float64          `json:"handle_seconds"`
	HandleSource    string           `json:"handle_source"` // measured or default
	HandleContacts  int64            `json:"handle_contacts"`
	TargetSeconds   float64          `json:"target_seconds"`
	TargetSource    string           `json:"target_source"` // policy or default
	Hours           []PlanHour       `json:"hours"`
	Recommendations []Recommendation `json:"recommendations"`
}

// PlanHour is one coming hour of a channel.
type PlanHour struct {
	Start           time.Time `json:"start"` // in the desk's zone
	ArrivalsPerHour float64   `json:"arrivals_per_hour"`
	AgentsNeeded    int       `json:"agents_needed"`
	AgentsOnline    int       `json:"agents_online"`
	// AgentsAvailable is the part of the agents online left for this
	// channel once the channels served before it have theirs.
	AgentsAvailable int `json:"agents_available"`
	Add             int `json:"add"`
}

// Recommendation asks for Add more people over [From, To).
type Recommendation struct {
	From time.Time `json:"from"` // in the desk's zone
	To   time.Time `json:"to"`
	Add  int       `json:"add"`
	Text string    `json:"text"`
}

// EmailCapacity weighs the email waiting against the people to answer it.
type EmailCapacity struct {
	OpenTickets   int64      `json:"open_tickets"`
	HandleSeconds float64    `json:"handle_seconds"`
	WorkHours     float64    `json:"work_hours"`
	NextDeadline  *time.Time `json:"next_deadline"`
	WindowHours   float64    `json:"window_hours"`
	Agents        int        `json:"agents"`
	PeopleHours   float64    `json:"people_hours"`
	ShortHours    float64    `json:"short_hours"`
	Text          string     `json:"text"`
}

// Plan makes the staffing plan of the hours from the one now is in.
func Plan(ctx context.Context, src Sources, now time.Time, hours int) (PlanResult, error) {
	if hours < 1 || hours > MaxForecastHours {
		return PlanResult{}, apperr.Invalid("hours", "must be between 1 and %d", MaxForecastHours)
	}
	loc, err := src.Zone.DeskZone(ctx)
	if err != nil {
		return PlanResult{}, err
	}
	goal, err := src.SLA.DeskGoal(ctx)
	if err != nil {
		return PlanResult{}, err
	}
	p := PlanResult{At: now.In(loc), TimeZone: loc.String(), Hours: hours,
		Goal: min(goal.GoalPercent/100, MaxGoal), AgentsOnline: len(src.People.Online())}
	left := make([]int, hours) // agents online not yet taken by a channel, per hour
	for i := range left {
		left[i] = p.AgentsOnline
	}
	for _, ch := range LiveChannels {
		cp, err := planChannel(ctx, src, ch, now, loc, p, left)
		if err != nil {
			return PlanResult{}, err
		}
		p.Channels = append(p.Channels, cp)
	}
	if p.Email, err = emailCapacity(ctx, src, now, loc, hours, left[0]); err != nil {
		return PlanResult{}, err
	}
	return p, nil
}

// planChannel sizes a channel's hours and takes the agents it needs from
// left.
func planChannel(ctx context.Context, src Sources, ch string, now time.Time, loc *time.Location, p PlanResult, left []int) (ChannelPlan, error) {
	cp := ChannelPlan{Channel: ch, HandleSeconds: DefaultHandleSeconds, HandleSource: "default",
		TargetSeconds: DefaultTargetSeconds[ch], TargetSource: "default"}
	mean, n, err := src.Work.ContactSeconds(ctx, ch, now.Add(-ContactDays*24*time.Hour), ContactLimit)
	if err != nil {
		return cp, err
	}
	if cp.HandleContacts = n; n >= MinContacts && mean > 0 {
		cp.HandleSeconds, cp.HandleSource = math.Round(mean), "measured"
	}
	t, ok, err := src.SLA.TypicalTarget(ctx, ch, sla.FirstReply)
	if err != nil {
		return cp, err
	}
	if ok {
		cp.TargetSeconds, cp.TargetSource = float64(t.Minutes*60), "policy"
	}
	f, err := ForecastHours(ctx, src.Arrivals, ch, now, p.Hours, Input{AHTSeconds: cp.HandleSeconds,
		TargetSeconds: cp.TargetSeconds, Goal: p.Goal, MaxOccupancy: DefaultMaxOccupancy})
	if err != nil {
		return cp, fmt.Errorf("staffing: plan %s: %w", ch, err)
	}
	for i, h := range f.Hours {
		ph := PlanHour{Start: h.Start.In(loc), ArrivalsPerHour: h.ArrivalsPerHour, AgentsNeeded: h.Agents,
			AgentsOnline: p.AgentsOnline, AgentsAvailable: left[i]}
		ph.Add = max(0, ph.AgentsNeeded-ph.AgentsAvailable)
		left[i] = max(0, left[i]-ph.AgentsNeeded)
		cp.Hours = append(cp.Hours, ph)
	}
	cp.Recommendations = mergeRanges(cp.Hours, now.In(loc))
	return cp, nil
}

// mergeRanges turns the hours that lack people into ranges: consecutive
// hours asking for the same number make one.
func mergeRanges(hours []PlanHour, now time.Time) []Recommendation {
	out := []Recommendation{}
	for _, h := range hours {
		if h.Add == 0 {
			continue
		}
		end := h.Start.Add(time.Hour)
		if last := len(out) - 1; last >= 0 && out[last].Add == h.Add && out[last].To.Equal(h.Start) {
			out[last].To = end
			continue
		}
		out = append(out, Recommendation{From: h.Start, To: end, Add: h.Add})
	}
	for i := range out {
		out[i].Text = rangeText(out[i], now)
	}
	return out
}

// rangeText writes a recommendation as a lead reads it: "add 2 people
// 14:00-16:00", with the weekday when it is not today.
func rangeText(r Recommendation, now time.Time) string {
	who := "people"
	if r.Add == 1 {
		who = "person"
	}
	day := ""
	if r.From.Format(time.DateOnly) != now.Format(time.DateOnly) {
		day = r.From.Format("Mon") + " "
	}
	return fmt.Sprintf("add %d %s %s%s-%s", r.Add, who, day, r.From.Format("15:04"), r.To.Format("15:04"))
}

// emailMetrics are the deadlines the email backlog is answered before.
var emailMetrics = []string{sla.FirstReply, sla.NextReply, sla.Resolution}

// emailCapacity weighs the unsolved email against agents free for it
// until its nearest deadline.
func emailCapacity(ctx context.Context, src Sources, now time.Time, loc *time.Location, hours, agents int) (EmailCapacity, error) {
	e := EmailCapacity{HandleSeconds: EmailHandleSeconds, Agents: agents, WindowHours: float64(hours)}
	var err error
	if e.OpenTickets, err = src.Work.Open(ctx, "email"); err != nil {
		return e, err
	}
	if e.NextDeadline, err = src.SLA.NextDue(ctx, "email", emailMetrics); err != nil {
		return e, err
	}
	if e.NextDeadline != nil {
		local := e.NextDeadline.In(loc)
		e.NextDeadline = &local
		e.WindowHours = min(e.WindowHours, e.NextDeadline.Sub(now).Hours())
	}
	e.WindowHours = round2(max(0, e.WindowHours))
	e.WorkHours = round2(float64(e.OpenTickets) * e.HandleSeconds / 3600)
	e.PeopleHours = round2(float64(e.Agents) * e.WindowHours)
	e.ShortHours = round2(max(0, e.WorkHours-e.PeopleHours))
	e.Text = emailText(e, now.In(loc))
	return e, nil
}

func emailText(e EmailCapacity, now time.Time) string {
	before := fmt.Sprintf("in the next %g hours", e.WindowHours)
	if e.NextDeadline != nil {
		when := e.NextDeadline.Format("15:04")
		if e.NextDeadline.Format(time.DateOnly) != now.Format(time.DateOnly) {
			when = e.NextDeadline.Format("Mon 15:04")
		}
		before = "before the next deadline at " + when
	}
	tickets := "tickets"
	if e.OpenTickets == 1 {
		tickets = "ticket"
	}
	s := fmt.Sprintf("%g hours of email work waiting (%d %s), %g hours of people free %s", e.WorkHours, e.OpenTickets, tickets, e.PeopleHours, before)
	if e.ShortHours > 0 {
		return s + fmt.Sprintf(": short by %g hours", e.ShortHours)
	}
	return s + ": enough"
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
