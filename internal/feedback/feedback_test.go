package feedback_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// mailer keeps the notices it is given.
type mailer struct {
	mu   sync.Mutex
	sent []outbound.Notice
}

func (m *mailer) SendNotice(_ context.Context, n outbound.Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, n)
	return nil
}

func (m *mailer) all() []outbound.Notice {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]outbound.Notice(nil), m.sent...)
}

type fixture struct {
	d       *db.DB
	bus     *events.Bus
	queue   *jobs.Queue
	svc     *feedback.Service
	tickets *ticket.Service
	mail    *mailer
	clock   *testutil.Clock
	agent   int64
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := testutil.NewRunningClock()
	log := testutil.Logger(t)
	f := &fixture{d: d, bus: events.NewBus(d, log, events.Options{}), clock: c, mail: &mailer{},
		queue: jobs.New(d, log, jobs.Options{Now: c.Now}), tickets: ticket.NewService(d)}
	f.svc = feedback.New(d, f.queue, f.mail, []byte("0123456789abcdef0123456789abcdef"), log,
		feedback.Options{PublicURL: "https://desk.example.com/", Now: c.Now})
	if err := f.bus.Register(f.svc.Consumer()); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	f.agent = testutil.NewUser(t, d, "agent")
	return f
}

func (f *fixture) drain(t *testing.T) {
	t.Helper()
	if err := f.bus.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// settle hands every event to the consumer and runs every due job.
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	f.drain(t)
	if _, err := f.queue.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// solved opens a ticket from email, has the agent answer it in public,
// assigns and solves it, and settles.
func (f *fixture) solved(t *testing.T, email, channel string) *ticket.Ticket {
	t.Helper()
	ctx := testutil.As(f.agent)
	tk, err := f.tickets.Create(ctx, ticket.NewTicket{Subject: "Printer on fire",
		Requester: ticket.Requester{Email: email, Name: "Cu Stomer"}, Body: "Help.", Channel: channel})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.tickets.AddMessage(ctx, tk.ID, "Put it out.", ticket.KindReply); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&f.agent)}); err != nil {
		t.Fatal(err)
	}
	f.setStatus(t, tk.ID, "solved")
	f.settle(t)
	return tk
}

func (f *fixture) setStatus(t *testing.T, id int64, status string) {
	t.Helper()
	if _, err := f.tickets.Update(testutil.As(f.agent), id, ticket.Patch{Status: &status}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) survey(t *testing.T, ticketID int64) *feedback.Survey {
	t.Helper()
	sv, err := feedback.CurrentForTicket(context.Background(), f.d.Read(), ticketID)
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func ptr(n int) *int { return &n }

func TestSolveMakesOneSurveyAndMailsItsLinks(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tk := f.solved(t, "cu@example.com", "email")
		f.settle(t) // a second pass changes nothing
		if n := testutil.Count(t, d, "feedback_surveys"); n != 1 {
			t.Fatalf("%d surveys, want 1", n)
		}
		sv := f.survey(t, tk.ID)
		if sv.Status != feedback.StatusSent || sv.SentAt == nil || sv.AssigneeID == nil || *sv.AssigneeID != f.agent {
			t.Fatalf("survey %+v", sv)
		}
		mails := f.mail.all()
		if len(mails) != 1 || mails[0].To != "cu@example.com" {
			t.Fatalf("mails %+v", mails)
		}
		link := f.svc.URL(sv)
		if !strings.HasPrefix(link, "https://desk.example.com/feedback/") || len(link) < 60 {
			t.Fatalf("link %q", link)
		}
		text := mails[0].Text
		for _, want := range []string{feedback.CSATQuestion, link + "?csat=1", link + "?csat=5", "#" + strconv.FormatInt(tk.Number, 10)} {
			if !strings.Contains(text, want) {
				t.Errorf("mail lacks %q:\n%s", want, text)
			}
		}
		agents, err := feedback.AgentsOf(context.Background(), d.Read(), sv.ID)
		if err != nil || len(agents) != 1 || !agents[0].IsAssignee || !agents[0].Replied {
			t.Fatalf("agents %+v, %v", agents, err)
		}
		// The token is stored only as its hash.
		var stored int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM feedback_surveys WHERE token_hash = $1 OR token_nonce = $1`,
			f.svc.Token(sv)).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the token is stored as it is (%d, %v)", stored, err)
		}
	})
}

func TestAttributionIsFrozenAtSolve(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		other := testutil.NewUser(t, d, "agent")
		ctx := testutil.As(f.agent)
		tk, err := f.tickets.Create(ctx, ticket.NewTicket{Subject: "Refund",
			Requester: ticket.Requester{Email: "cu@example.com"}, Body: "Help.", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.tickets.AddMessage(ctx, tk.ID, "Done.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		if _, err := f.tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&f.agent)}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, tk.ID, "solved")
		// Reassigned after the solve, before the consumer ran.
		if _, err := f.tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&other)}); err != nil {
			t.Fatal(err)
		}
		f.settle(t)
		sv := f.survey(t, tk.ID)
		if sv.AssigneeID == nil || *sv.AssigneeID != f.agent {
			t.Fatalf("assignee %v, want %d (at the solve)", sv.AssigneeID, f.agent)
		}
		list, _, err := feedback.ListAnswers(context.Background(), d.Read(), feedback.Filter{AgentID: other})
		if err != nil || len(list) != 0 {
			t.Fatalf("answers for the later assignee: %v, %v", list, err)
		}
	})
}

func TestOpeningTheFormRecordsNothing(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tk := f.solved(t, "cu@example.com", "email")
		token := f.svc.Token(f.survey(t, tk.ID))
		before := testutil.Count(t, d, "events")
		for range 5 {
			form, err := f.svc.FormByToken(context.Background(), token)
			if err != nil || form.Reopened || form.Survey.Answered() {
				t.Fatalf("form %+v, %v", form, err)
			}
		}
		if sv := f.survey(t, tk.ID); sv.Status != feedback.StatusSent || sv.AnsweredAt != nil {
			t.Fatalf("opening recorded: %+v", sv)
		}
		if after := testutil.Count(t, d, "events"); after != before {
			t.Fatalf("events %d -> %d", before, after)
		}
		if _, err := f.svc.FormByToken(context.Background(), strings.Repeat("A", 43)); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("a made-up token: %v", err)
		}
	})
}

func TestDoubleAnswerKeepsOneAnswerAndChangesOnlyForSevenDays(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tk := f.solved(t, "cu@example.com", "email")
		token := f.svc.Token(f.survey(t, tk.ID))
		ctx := context.Background()
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(4), CES: ptr(6), Comment: "Quick."}); err != nil {
			t.Fatal(err)
		}
		first := f.survey(t, tk.ID)
		f.clock.Add(time.Hour)
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(5), CES: ptr(7)}); err != nil {
			t.Fatal(err)
		}
		sv := f.survey(t, tk.ID)
		if *sv.CSAT != 5 || *sv.CES != 7 || sv.Comment != "" || !sv.AnsweredAt.Equal(*first.AnsweredAt) ||
			sv.Status != feedback.StatusAnswered {
			t.Fatalf("after the change: %+v", sv)
		}
		list, _, err := f.svc.List(ctx, feedback.Filter{TicketID: tk.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("answers %d, %v; want one", len(list), err)
		}
		f.clock.Add(feedback.ChangeWindow)
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(1)}); !errors.Is(err, feedback.ErrChangeWindowOver) {
			t.Fatalf("a change after 7 days: %v", err)
		}
		if sv := f.survey(t, tk.ID); *sv.CSAT != 5 {
			t.Fatalf("changed after 7 days: %+v", sv)
		}
	})
}

func TestReopenVoidsTheSurveyAndRefusesAnswersAtOnce(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		// Unanswered: reopened, an answer is refused before the consumer ran.
		tk := f.solved(t, "cu@example.com", "email")
		token := f.svc.Token(f.survey(t, tk.ID))
		f.setStatus(t, tk.ID, "open")
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(5)}); !errors.Is(err, feedback.ErrReopened) {
			t.Fatalf("answer after reopen: %v", err)
		}
		form, err := f.svc.FormByToken(ctx, token)
		if err != nil || !form.Reopened {
			t.Fatalf("form after reopen %+v, %v", form, err)
		}
		f.settle(t)
		if sv := f.survey(t, tk.ID); sv.Status != feedback.StatusVoid || sv.ClosedAt == nil || sv.Answered() {
			t.Fatalf("after reopen: %+v", sv)
		}
		// Solved again: a new survey; the old link still refuses.
		f.setStatus(t, tk.ID, "solved")
		f.settle(t)
		if n := testutil.Count(t, d, "feedback_surveys"); n != 2 {
			t.Fatalf("%d surveys, want 2", n)
		}
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(5)}); !errors.Is(err, feedback.ErrReopened) {
			t.Fatalf("old link after the second solve: %v", err)
		}
		// Answered, then reopened: stays counted, frozen.
		second := f.survey(t, tk.ID)
		tok2 := f.svc.Token(second)
		if _, err := f.svc.Answer(ctx, tok2, feedback.Input{CSAT: ptr(4)}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, tk.ID, "pending")
		f.settle(t)
		sv := f.survey(t, tk.ID)
		if sv.Status != feedback.StatusAnswered || sv.ClosedAt == nil || *sv.CSAT != 4 {
			t.Fatalf("answered then reopened: %+v", sv)
		}
		if _, err := f.svc.Answer(ctx, tok2, feedback.Input{CSAT: ptr(1)}); !errors.Is(err, feedback.ErrReopened) {
			t.Fatalf("change after reopen: %v", err)
		}
	})
}

func TestEligibility(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		reasonOf := func(tk *ticket.Ticket) string {
			sv := f.survey(t, tk.ID)
			if sv.Status != feedback.StatusNotEligible {
				return sv.Status
			}
			return sv.NotEligibleReason
		}
		if _, err := f.svc.UpdateSettings(ctx, feedback.SettingsPatch{Channels: &[]string{"email"}}); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(f.solved(t, "a@example.com", "api")); got != feedback.ReasonChannel {
			t.Errorf("api channel: %s", got)
		}
		// No public agent reply.
		tk, err := f.tickets.Create(testutil.As(f.agent), ticket.NewTicket{Subject: "x",
			Requester: ticket.Requester{Email: "b@example.com"}, Body: "Help.", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, tk.ID, "solved")
		f.settle(t)
		if got := reasonOf(tk); got != feedback.ReasonNoPublicReply {
			t.Errorf("no reply: %s", got)
		}
		// Spam.
		tk = f.solved(t, "c@example.com", "email")
		if got := reasonOf(tk); got != feedback.StatusSent {
			t.Errorf("eligible: %s", got)
		}
		f.setStatus(t, tk.ID, "open")
		if _, err := f.tickets.Update(testutil.As(f.agent), tk.ID, ticket.Patch{Tags: &[]string{"spam"}}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, tk.ID, "solved")
		f.settle(t)
		if got := reasonOf(tk); got != feedback.ReasonSpam {
			t.Errorf("spam: %s", got)
		}
		// Opted out.
		if err := f.svc.OptOut(ctx, tk.RequesterID); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(f.solved(t, "c@example.com", "email")); got != feedback.ReasonOptedOut {
			t.Errorf("opted out: %s", got)
		}
		// One per customer per N days.
		if _, err := f.svc.UpdateSettings(ctx, feedback.SettingsPatch{CustomerIntervalDays: ptr(30)}); err != nil {
			t.Fatal(err)
		}
		f.solved(t, "d@example.com", "email")
		if got := reasonOf(f.solved(t, "d@example.com", "email")); got != feedback.ReasonRecentSurvey {
			t.Errorf("second within 30 days: %s", got)
		}
		// Off.
		off := false
		if _, err := f.svc.UpdateSettings(ctx, feedback.SettingsPatch{Enabled: &off}); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(f.solved(t, "e@example.com", "email")); got != feedback.ReasonOff {
			t.Errorf("off: %s", got)
		}
		// A delay schedules the send.
		on := true
		if _, err := f.svc.UpdateSettings(ctx, feedback.SettingsPatch{Enabled: &on, DelayMinutes: ptr(60)}); err != nil {
			t.Fatal(err)
		}
		tk = f.solved(t, "g@example.com", "email")
		if got := reasonOf(tk); got != feedback.StatusScheduled {
			t.Errorf("with a delay: %s", got)
		}
		f.clock.Add(61 * time.Minute)
		f.settle(t)
		if got := reasonOf(tk); got != feedback.StatusSent {
			t.Errorf("after the delay: %s", got)
		}
	})
}

func TestLowScoreStartsARecovery(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		lead, outsider := testutil.NewUser(t, d, "lead"), testutil.NewUser(t, d, "lead")
		tm, err := team.NewService(d).Create(testutil.As(lead), team.NewTeam{Name: "Care", MemberIDs: []int64{lead, f.agent}})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := f.tickets.Create(testutil.As(f.agent), ticket.NewTicket{Subject: "Late",
			Requester: ticket.Requester{Email: "cu@example.com"}, Body: "Where?", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.tickets.AddMessage(testutil.As(f.agent), tk.ID, "On its way.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		if _, err := f.tickets.Update(testutil.As(f.agent), tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&f.agent),
			TeamID: ticket.SetID(&tm.ID)}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, tk.ID, "solved")
		f.settle(t)
		token := f.svc.Token(f.survey(t, tk.ID))
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(4), CES: ptr(3), Reason: "It took too long"}); err != nil {
			t.Fatal(err)
		}
		if sv := f.survey(t, tk.ID); sv.Recovery != feedback.RecoveryNeeded || sv.Reason != "It took too long" {
			t.Fatalf("after a low CES: %+v", sv)
		}
		told := func(id int64) int {
			var n int
			if err := d.Read().QueryRow(`SELECT COUNT(*) FROM notifications WHERE recipient_id = $1`, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if told(f.agent) != 1 || told(lead) != 1 || told(outsider) != 0 {
			t.Fatalf("told agent %d, lead %d, outsider %d", told(f.agent), told(lead), told(outsider))
		}
		// A change to another low score tells nobody twice.
		if _, err := f.svc.Answer(ctx, token, feedback.Input{CSAT: ptr(1)}); err != nil {
			t.Fatal(err)
		}
		if told(f.agent) != 1 {
			t.Fatalf("told twice")
		}
		list, err := f.svc.NeedsRecovery(ctx)
		if err != nil || len(list) != 1 || list[0].TicketID != tk.ID {
			t.Fatalf("needs recovery %+v, %v", list, err)
		}
		if _, err := f.svc.MarkFollowedUp(ctx, tk.ID, lead); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.svc.NeedsRecovery(ctx); len(list) != 0 {
			t.Fatalf("still listed after the follow-up")
		}
		if _, err := f.svc.MarkFollowedUp(ctx, tk.ID, lead); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("second follow-up: %v", err)
		}
		// A reason that is not the desk's is refused.
		tk2 := f.solved(t, "x@example.com", "email")
		_, err = f.svc.Answer(ctx, f.svc.Token(f.survey(t, tk2.ID)), feedback.Input{CSAT: ptr(1), Reason: "made up"})
		if e, ok := apperr.As(err); !ok || e.Field != "reason" {
			t.Fatalf("a made-up reason: %v", err)
		}
	})
}

func TestBadInputNamesTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		csat, ces, field string
	}{{"6", "", "csat"}, {"0", "", "csat"}, {"x", "", "csat"}, {"", "8", "ces"}, {"", "", "csat"}, {"3", "0", "ces"}}
	for _, c := range cases {
		_, err := feedback.ParseInput(c.csat, c.ces, "", "")
		if e, ok := apperr.As(err); !ok || e.Field != c.field || e.Kind != apperr.KindInvalid {
			t.Errorf("csat %q ces %q: %v, want invalid %s", c.csat, c.ces, err, c.field)
		}
	}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	if _, _, err := feedback.ParseRange("2026-12-05", "2026-12-01", now); fieldOf(err) != "from" {
		t.Errorf("from after to: %v", err)
	}
	if _, _, err := feedback.ParseRange("yesterday", "", now); fieldOf(err) != "from" {
		t.Errorf("bad from: %v", err)
	}
	from, to, err := feedback.ParseRange("2026-12-01", "2026-12-01", now)
	if err != nil || to.Sub(from) != 24*time.Hour {
		t.Errorf("one day: %v %v %v", from, to, err)
	}
}

func fieldOf(err error) string {
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindInvalid {
		return e.Field
	}
	return ""
}
