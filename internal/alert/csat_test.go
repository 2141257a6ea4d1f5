package alert_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

var surveyLink = regexp.MustCompile(`/feedback/([A-Za-z0-9_.~-]+)`)

// TestCSATRuleReadsTheWeeksSurveys: with no answer in 7 days the rule has
// no value; two answers (5 and 2) make 50% satisfied, under 80%: it fires.
// The surveys go out by mail through the relay and are answered by the
// links in those mails, as customers would.
func TestCSATRuleReadsTheWeeksSurveys(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead := e.user("lead")
		if err := e.bus.Register(e.surveys.Consumer()); err != nil {
			t.Fatal(err)
		}
		e.drain()
		r, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "csat_7d", Op: "<", Threshold: ptr(80.0),
			UserIDs: []int64{lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.rule(r.ID); got.State != alert.StateOK || got.LastValue != nil {
			t.Fatalf("with no answers: %s %v", got.State, got.LastValue)
		}
		agent := e.user("agent")
		for _, email := range []string{"ann@example.com", "bob@example.com"} {
			e.solvedBy(agent.ID, email)
		}
		e.clock.Add(feedbackDelay(t, e))
		e.runJobs()
		tokens := map[string]string{}
		for _, m := range e.relay.Received() {
			env, err := enmime.ReadEnvelope(bytes.NewReader(m.Raw))
			if err != nil {
				t.Fatal(err)
			}
			if found := surveyLink.FindStringSubmatch(env.Text); found != nil {
				tokens[m.To[0]] = found[1]
			}
		}
		if len(tokens) != 2 {
			t.Fatalf("survey links mailed to %v", tokens)
		}
		for to, score := range map[string]int{"ann@example.com": 5, "bob@example.com": 2} {
			if _, err := e.surveys.Answer(context.Background(), tokens[to], feedback.Input{CSAT: &score}); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Add(time.Minute) // the next evaluation
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := e.rule(r.ID)
		if got.State != alert.StateFiring || got.LastValue == nil || *got.LastValue != 50 || e.alertsOf(lead) != 1 {
			t.Fatalf("at 50%% satisfied: %s %v, %d notifications", got.State, got.LastValue, e.alertsOf(lead))
		}
	})
}

// solvedBy has agent answer and solve a customer's ticket.
func (e *env) solvedBy(agent int64, email string) {
	e.t.Helper()
	ctx := testutil.As(agent)
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: "Printer on fire", Body: "Help.",
		Requester: ticket.Requester{Email: email, Name: "Cu Stomer"}, Channel: "email"})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.tickets.AddMessage(ctx, tk.ID, "Put it out.", ticket.KindReply); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&agent)}); err != nil {
		e.t.Fatal(err)
	}
	solved := "solved"
	if _, err := e.tickets.Update(ctx, tk.ID, ticket.Patch{Status: &solved}); err != nil {
		e.t.Fatal(err)
	}
	e.drain()
}
