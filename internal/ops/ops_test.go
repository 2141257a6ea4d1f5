package ops_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/ops"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// mailbox keeps the notices surveys send, where their links are.
type mailbox struct {
	mu   sync.Mutex
	sent []outbound.Notice
}

func (m *mailbox) SendNotice(_ context.Context, n outbound.Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, n)
	return nil
}

var surveyLink = regexp.MustCompile(`/feedback/([A-Za-z0-9_-]+)`)

// Desk is a desk with two teams, the SLA clocks following its tickets, the
// report roll-up, surveys and presence, and the board over them.
type Desk struct {
	t        *testing.T
	d        *db.DB
	ctx      context.Context
	clock    *testutil.Clock
	bus      *events.Bus
	queue    *jobs.Queue
	tickets  *ticket.Service
	teams    *team.Service
	sla      *sla.Service
	feedback *feedback.Service
	reports  *report.Service
	presence *presence.Hub
	mail     *mailbox
	board    *ops.Service
	agents   []int64
}

// NewDesk builds the desk. Its zone is a fixed offset where it is about
// noon now, so "today" holds the test's few hours whenever it runs.
func NewDesk(t *testing.T, d *db.DB) *Desk {
	t.Helper()
	log := testutil.Logger(t)
	admin := testutil.NewUser(t, d, "admin")
	k := &Desk{t: t, d: d, ctx: testutil.As(admin), clock: testutil.NewRunningClock(), mail: &mailbox{},
		bus: events.NewBus(d, log, events.Options{}), tickets: ticket.NewService(d), teams: team.NewService(d),
		reports: report.NewService(d), presence: presence.NewHub(nil)}
	k.queue = jobs.New(d, log, jobs.Options{Now: k.clock.Now})
	k.sla = sla.New(d, k.queue, sla.Options{Now: k.clock.Now})
	k.feedback = feedback.New(d, k.queue, k.mail, []byte("0123456789abcdef0123456789abcdef"), log,
		feedback.Options{PublicURL: "https://desk.example.com/", Now: k.clock.Now})
	for _, c := range []events.Consumer{k.sla.Consumer(), k.reports.Consumer(), k.feedback.Consumer()} {
		if err := k.bus.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	k.drain()
	schedules := schedule.NewService(d)
	if _, err := schedules.Create(k.ctx, schedule.NewSchedule{Name: "Desk", TimeZone: NoonZone(time.Now()), Default: true,
		Intervals: []schedule.Interval{{Day: "mon", Start: "09:00", End: "17:00"}}}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		k.agents = append(k.agents, testutil.NewUser(t, d, "agent"))
	}
	k.board = ops.New(ops.Deps{DB: d, SLA: k.sla, Schedules: schedules, Teams: k.teams, Settings: settings.NewStore(d),
		Feedback: k.feedback, Reports: k.reports, Rosters: []ops.Roster{k.presence}, Now: k.clock.Now})
	return k
}

// NoonZone is an IANA zone of whole hours (Etc/GMT-N is N hours east)
// where it is between 12:00 and 13:00 at now.
func NoonZone(now time.Time) string {
	east := 12 - now.UTC().Hour()
	switch {
	case east == 0:
		return "Etc/UTC"
	case east > 0:
		return fmt.Sprintf("Etc/GMT-%d", east)
	}
	return fmt.Sprintf("Etc/GMT+%d", -east)
}

func (k *Desk) drain() {
	k.t.Helper()
	if err := k.bus.Drain(context.Background()); err != nil {
		k.t.Fatal(err)
	}
}

// settle hands every event to the consumers and runs every due job.
func (k *Desk) settle() {
	k.t.Helper()
	k.drain()
	if _, err := k.queue.RunDue(context.Background()); err != nil {
		k.t.Fatal(err)
	}
	k.drain()
}

func (k *Desk) team(name string, members ...int64) int64 {
	k.t.Helper()
	tm, err := k.teams.Create(k.ctx, team.NewTeam{Name: name, MemberIDs: members})
	if err != nil {
		k.t.Fatal(err)
	}
	return tm.ID
}

func (k *Desk) ticket(subject, email, priority string, teamID int64, assignee *int64) *ticket.Ticket {
	k.t.Helper()
	tk, err := k.tickets.Create(k.ctx, ticket.NewTicket{Subject: subject, Body: "Please help.", Priority: priority,
		Channel: "email", Requester: ticket.Requester{Email: email}})
	if err != nil {
		k.t.Fatal(err)
	}
	p := ticket.Patch{TeamID: ticket.SetID(&teamID)}
	if assignee != nil {
		p.AssigneeID = ticket.SetID(assignee)
	}
	if tk, err = k.tickets.Update(k.ctx, tk.ID, p); err != nil {
		k.t.Fatal(err)
	}
	k.settle()
	return tk
}

func (k *Desk) reply(id int64) {
	k.t.Helper()
	if _, err := k.tickets.AddMessage(testutil.As(k.agents[0]), id, "Done.", ticket.KindReply); err != nil {
		k.t.Fatal(err)
	}
	k.settle()
}

func (k *Desk) solve(id int64) {
	k.t.Helper()
	status := "solved"
	if _, err := k.tickets.Update(k.ctx, id, ticket.Patch{Status: &status}); err != nil {
		k.t.Fatal(err)
	}
	k.settle()
}

// answerLastSurvey answers the survey in the last notice sent.
func (k *Desk) answerLastSurvey(csat, ces int) {
	k.t.Helper()
	k.mail.mu.Lock()
	defer k.mail.mu.Unlock()
	if len(k.mail.sent) == 0 {
		k.t.Fatal("no survey was sent")
	}
	m := surveyLink.FindStringSubmatch(k.mail.sent[len(k.mail.sent)-1].Text)
	if m == nil {
		k.t.Fatalf("no survey link in %q", k.mail.sent[len(k.mail.sent)-1].Text)
	}
	if _, err := k.feedback.Answer(context.Background(), m[1], feedback.Input{CSAT: &csat, CES: &ces}); err != nil {
		k.t.Fatal(err)
	}
}

// Story makes the desk the board test reads: Billing answered one ticket
// in time and missed another, Support has one due within the hour, one
// customer rated Billing, and a week ago an hour like this one brought
// Billing a ticket. It returns the tickets by name.
func (k *Desk) Story() map[string]*ticket.Ticket {
	k.t.Helper()
	billing := k.team("Billing", k.agents[0], k.agents[1])
	support := k.team("Support", k.agents[2])
	if _, err := k.sla.SetGoal(k.ctx, billing, 50, 40); err != nil {
		k.t.Fatal(err)
	}
	// Last week's ticket, before any policy: history for the forecast.
	old := k.ticket("Last week", "old@example.com", "normal", billing, nil)
	if _, err := k.d.Write().Exec(`UPDATE tickets SET created_at = $1, status = 'closed', waiting_since = NULL WHERE id = $2`,
		db.Time(old.CreatedAt.Add(-7*24*time.Hour)), old.ID); err != nil {
		k.t.Fatal(err)
	}
	if err := k.reports.Rebuild(context.Background()); err != nil {
		k.t.Fatal(err)
	}
	for _, p := range []sla.NewPolicy{
		{Name: "Urgent", Position: 1, Conditions: []sla.Condition{{Field: "priority", Op: "is", Value: json.RawMessage(`"urgent"`)}},
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 60}, {Metric: sla.Resolution, Minutes: 600}}},
		{Name: "Everyone", Position: 2,
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 150}, {Metric: sla.Resolution, Minutes: 600}}},
	} {
		if _, err := k.sla.CreatePolicy(k.ctx, p); err != nil {
			k.t.Fatal(err)
		}
	}
	if _, err := k.feedback.UpdateSettings(k.ctx, feedback.SettingsPatch{DelayMinutes: new(0)}); err != nil {
		k.t.Fatal(err)
	}
	out := map[string]*ticket.Ticket{}
	out["answered"] = k.ticket("Invoice copy", "ann@example.com", "normal", billing, &k.agents[0])
	k.reply(out["answered"].ID)
	k.solve(out["answered"].ID)
	k.answerLastSurvey(5, 6)
	out["missed"] = k.ticket("Charged twice", "bob@example.com", "urgent", billing, nil)
	out["soon"] = k.ticket("Password reset", "cy@example.com", "normal", support, &k.agents[2])
	if _, err := k.presence.Set(context.Background(), out["missed"].ID, k.agents[1], "Ben", presence.Viewing); err != nil {
		k.t.Fatal(err)
	}
	// Two hours on: the urgent ticket's hour has passed (the check job
	// records the breach), Support's 150 minutes end within the hour.
	k.clock.Add(2 * time.Hour)
	k.settle()
	return out
}

func TestBoardCountsEveryFigure(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := NewDesk(t, d)
		tk := k.Story()
		snap, err := k.board.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Teams) != 2 || snap.Teams[0].Name != "Billing" || snap.Teams[1].Name != "Support" {
			t.Fatalf("teams %+v", snap.Teams)
		}
		billing, support, desk := snap.Teams[0], snap.Teams[1], snap.Desk
		got := map[string]string{}
		for _, c := range []ops.Card{desk, billing, support} {
			fr, res := c.ServiceLevel.FirstReply, c.ServiceLevel.Resolution
			got[c.Name] = fmt.Sprintf("fr %d/%d/%d %s %s; res %d/%d/%d %s; backlog %d/%d; breaches %d/%d; online %d",
				fr.Met, fr.Missed, fr.Pending, share(fr.Share), fr.Colour, res.Met, res.Missed, res.Pending, res.Colour,
				c.Backlog.Unsolved, c.Backlog.Unassigned, c.Breaches.Now, c.Breaches.DueNextHour, c.AgentsOnline)
		}
		want := map[string]string{
			// Desk goal 95%: one of two answered in time is red.
			"Whole desk": "fr 1/1/1 50% red; res 1/0/2 green; backlog 2/1; breaches 1/1; online 1",
			// Billing's own goal is 50%, orange from 40%.
			"Billing": "fr 1/1/0 50% green; res 1/0/1 green; backlog 1/1; breaches 1/0; online 1",
			"Support": "fr 0/0/1 none grey; res 0/0/1 grey; backlog 1/0; breaches 0/1; online 0",
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s:\n got %s\nwant %s", name, got[name], w)
			}
		}
		if w := desk.Backlog.Longest; w == nil || w.TicketID != tk["missed"].ID || w.Subject != "Charged twice" {
			t.Errorf("desk's longest wait %+v, want the missed ticket", w)
		}
		if w := support.Backlog.Longest; w == nil || w.TicketID != tk["soon"].ID || !w.Since.Equal(tk["soon"].CreatedAt) {
			t.Errorf("Support's longest wait %+v, want since %v", w, tk["soon"].CreatedAt)
		}
		if billing.Goal.GoalPercent != 50 || billing.Goal.Inherited || !support.Goal.Inherited {
			t.Errorf("goals %+v, %+v", billing.Goal, support.Goal)
		}
		checkArrivals(t, desk, 3, 0.25)
		checkArrivals(t, billing, 2, 0.25)
		checkArrivals(t, support, 1, 0)
		for _, c := range []ops.Card{desk, billing} {
			for _, s := range []ops.Survey{c.Feedback.Today, c.Feedback.Week} {
				if s.Answered != 1 || share2(s.CSATScore) != "100.0" || share2(s.CESMean) != "6.0" {
					t.Errorf("%s feedback %+v", c.Name, s)
				}
			}
		}
		if s := support.Feedback.Week; s.Answered != 0 || s.CSATScore != nil {
			t.Errorf("Support feedback %+v", s)
		}
		day := billing.Today
		if day.To.Sub(day.From) != 24*time.Hour || !strings.HasPrefix(billing.TimeZone, "Etc/") ||
			k.clock.Now().Before(day.From) || !k.clock.Now().Before(day.To) {
			t.Errorf("today %v to %v in %s", day.From, day.To, billing.TimeZone)
		}
	})
}

// checkArrivals finds the hour the tickets came in: arrived today and the
// forecast from the same hour of the weeks before.
func checkArrivals(t *testing.T, c ops.Card, arrived int64, forecast float64) {
	t.Helper()
	if len(c.Arrivals) != 24 {
		t.Fatalf("%s: %d hours", c.Name, len(c.Arrivals))
	}
	var sum int64
	var peak ops.HourCount
	for _, h := range c.Arrivals {
		sum += h.Arrived
		if h.Arrived > peak.Arrived || h.Forecast > peak.Forecast {
			peak = h
		}
	}
	if sum != arrived || peak.Forecast != forecast {
		t.Errorf("%s: arrived %d, forecast at the busy hour %v; want %d and %v (%+v)", c.Name, sum, peak.Forecast,
			arrived, forecast, c.Arrivals)
	}
}

func share(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprintf("%.0f%%", *p*100)
}

func share2(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprintf("%.1f", *p)
}

// TestChangesSignalEvents: an event committed on the bus, and an agent
// coming online, reach a board's stream.
func TestChangesSignalEvents(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := NewDesk(t, d)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		bus := events.NewBus(d, testutil.Logger(t), events.Options{})
		go bus.Run(ctx)
		<-bus.Ready()
		changes := ops.Changes(ctx, bus, k.presence)
		wait := func(what string) {
			t.Helper()
			select {
			case <-changes:
			case <-time.After(30 * time.Second):
				t.Fatalf("no change signalled for %s", what)
			}
		}
		if _, err := k.tickets.Create(k.ctx, ticket.NewTicket{Subject: "Hello", Body: "Hi.", Channel: "email",
			Requester: ticket.Requester{Email: "dee@example.com"}}); err != nil {
			t.Fatal(err)
		}
		wait("a new ticket")
		if _, err := k.presence.Set(ctx, 1, k.agents[0], "Ann", presence.Viewing); err != nil {
			t.Fatal(err)
		}
		wait("an agent online")
	})
}
