package alert_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// TestBacklogRuleFiresOnceAfterItsDurationAndResolves follows a rule
// through ok, pending, firing, resolved and ok again: the team's lead and a
// named lead are told in the app, an address by a real SMTP conversation
// and a receiver by a signed post, once when it fires and once when it
// resolves, never while it stays firing.
func TestBacklogRuleFiresOnceAfterItsDurationAndResolves(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		teamLead, agent, otherLead := e.user("lead"), e.user("agent"), e.user("lead")
		billing := e.team("Billing", teamLead, agent)
		r, err := e.alerts.Create(e.ctx(teamLead), teamLead, alert.Input{Name: "Billing backlog", Metric: "backlog",
			Op: ">", Threshold: ptr(2.0), DurationMinutes: 5, TeamID: &billing.ID, NotifyLeads: true,
			UserIDs: []int64{otherLead.ID}, Emails: []string{"Ops@Example.com"}, WebhookURL: e.hook.srv.URL + "/alerts"})
		if err != nil {
			t.Fatal(err)
		}
		if r.State != alert.StateOK || len(r.WebhookSecret) != 64 || r.Emails[0] != "ops@example.com" {
			t.Fatalf("new rule %+v", r)
		}
		if err := e.alerts.Schedule(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := e.alerts.Schedule(context.Background()); err != nil { // a second node starting
			t.Fatal(err)
		}
		if n := testutil.Count(t, d, "jobs"); n != 1 {
			t.Fatalf("%d evaluation jobs queued by two starts", n)
		}
		e.runJobs()

		var open []int64
		for range 3 {
			open = append(open, e.ticketIn(billing.ID).ID)
		}
		e.ticketIn(0) // another team's ticket counts nowhere here
		e.minute()
		if got := e.rule(r.ID); got.State != alert.StatePending || got.LastValue == nil || *got.LastValue != 3 {
			t.Fatalf("after the backlog grew the rule is %s (%v)", got.State, got.LastValue)
		}
		for range 4 {
			e.minute()
		}
		if got := e.rule(r.ID); got.State != alert.StatePending {
			t.Fatalf("4 minutes into a 5-minute rule it is %s", got.State)
		}
		e.minute()
		if got := e.rule(r.ID); got.State != alert.StateFiring {
			t.Fatalf("5 minutes on the rule is %s", got.State)
		}
		for range 3 { // still firing: nobody is told again
			e.minute()
		}
		if e.alertsOf(teamLead) != 1 || e.alertsOf(otherLead) != 1 || e.alertsOf(agent) != 0 || e.alertsOf(e.admin) != 0 {
			t.Fatalf("in-app alerts: team lead %d, named lead %d, agent %d, admin of no team %d",
				e.alertsOf(teamLead), e.alertsOf(otherLead), e.alertsOf(agent), e.alertsOf(e.admin))
		}
		mails := e.relay.Received()
		if len(mails) != 1 || mails[0].To[0] != "ops@example.com" ||
			!strings.Contains(string(mails[0].Raw), "Subject: Alert firing: Billing backlog (team Billing, 3)") ||
			!strings.Contains(string(mails[0].Raw), "https://desk.example.com/admin/alerts#rule-") {
			t.Fatalf("mails %+v", mails)
		}
		posts := e.hook.received()
		if len(posts) != 1 {
			t.Fatalf("%d posts while firing", len(posts))
		}
		checkSigned(t, r.WebhookSecret, posts[0], "alert.firing", 3)

		acked, err := e.alerts.Acknowledge(e.ctx(teamLead), teamLead, r.ID)
		if err != nil || acked.AcknowledgedBy == nil || *acked.AcknowledgedBy != teamLead.ID || acked.AcknowledgedAt == nil {
			t.Fatalf("acknowledged %+v %v", acked, err)
		}
		_, err = e.alerts.Acknowledge(e.ctx(otherLead), otherLead, r.ID)
		wantField(t, err, "state")

		e.solve(open[0])
		e.solve(open[1])
		e.minute()
		got := e.rule(r.ID)
		if got.State != alert.StateResolved || got.AcknowledgedBy != nil {
			t.Fatalf("with 1 ticket left the rule is %s, acknowledged by %v", got.State, got.AcknowledgedBy)
		}
		if e.alertsOf(teamLead) != 2 || e.alertsOf(otherLead) != 2 || len(e.relay.Received()) != 2 {
			t.Fatalf("after resolving: %d and %d in-app alerts, %d mails", e.alertsOf(teamLead), e.alertsOf(otherLead),
				len(e.relay.Received()))
		}
		if posts = e.hook.received(); len(posts) != 2 {
			t.Fatalf("%d posts after resolving", len(posts))
		}
		checkSigned(t, r.WebhookSecret, posts[1], "alert.resolved", 1)
		for range 5 {
			e.minute()
		}
		if got := e.rule(r.ID); got.State != alert.StateOK {
			t.Fatalf("clear for the duration after resolving, the rule is %s", got.State)
		}
		hist, err := e.alerts.History(e.ctx(teamLead), teamLead, r.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"resolved>ok", "firing>resolved", "pending>firing", "ok>pending"}
		if len(hist) != len(want) {
			t.Fatalf("history %d rows, want %d", len(hist), len(want))
		}
		for i, h := range hist {
			if h.From+">"+h.To != want[i] || h.Value == nil || h.Notified != (h.To == "firing" || h.To == "resolved") {
				t.Errorf("history %d: %s>%s value %v notified %v, want %s", i, h.From, h.To, h.Value, h.Notified, want[i])
			}
		}
		if *hist[2].Value != 3 || *hist[1].Value != 1 {
			t.Errorf("values seen: firing at %v, resolved at %v", *hist[2].Value, *hist[1].Value)
		}
	})
}

// checkSigned verifies a post as a receiver would, computing the HMAC of
// "t.body" itself, and reads its event and value.
func checkSigned(t *testing.T, secret string, p post, event string, value float64) {
	t.Helper()
	var ts, sig string
	for _, part := range strings.Split(p.Signature, ",") {
		k, v, _ := strings.Cut(part, "=")
		if k == "t" {
			ts = v
		} else if k == "v1" {
			sig = v
		}
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(p.Body)))
	if ts == "" || sig != hex.EncodeToString(m.Sum(nil)) {
		t.Fatalf("signature %q does not match the body", p.Signature)
	}
	if err := webhook.Verify(secret, p.Signature, p.Body, time.Unix(mustInt(t, ts), 0), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := webhook.Verify("another secret", p.Signature, p.Body, time.Unix(mustInt(t, ts), 0), time.Minute); err == nil {
		t.Fatal("a post verified with another secret")
	}
	var body alert.WebhookBody
	if err := json.Unmarshal(p.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Event != event || body.Value == nil || *body.Value != value || body.Scope != "team Billing" || body.HistoryID == 0 {
		t.Fatalf("post %s", p.Body)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSilencedRuleKeepsItsStateAndTellsNobody: a silence stops every
// notice, not the state; after it ends, the next change is told again.
func TestSilencedRuleKeepsItsStateAndTellsNobody(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead := e.user("lead")
		r, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "backlog", Op: ">=", Threshold: ptr(1.0),
			UserIDs: []int64{lead.ID}, Emails: []string{"ops@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != "backlog >= 1" {
			t.Fatalf("default name %q", r.Name)
		}
		until := e.clock.Now().Add(30 * time.Minute)
		if _, err := e.alerts.Silence(e.ctx(lead), lead, r.ID, alert.SilenceInput{Until: &until}); err != nil {
			t.Fatal(err)
		}
		past := e.clock.Now().Add(-time.Minute)
		_, err = e.alerts.Silence(e.ctx(lead), lead, r.ID, alert.SilenceInput{Until: &past})
		wantField(t, err, "until")

		tk := e.ticketIn(0)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		if got := e.rule(r.ID); got.State != alert.StateFiring || e.alertsOf(lead) != 0 || len(e.relay.Received()) != 0 {
			t.Fatalf("silenced: state %s, %d in-app, %d mails", got.State, e.alertsOf(lead), len(e.relay.Received()))
		}
		e.clock.Add(31 * time.Minute)
		e.solve(tk.ID)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		if got := e.rule(r.ID); got.State != alert.StateResolved || e.alertsOf(lead) != 1 || len(e.relay.Received()) != 1 {
			t.Fatalf("after the silence: state %s, %d in-app, %d mails", got.State, e.alertsOf(lead), len(e.relay.Received()))
		}
		hist, err := e.alerts.History(e.ctx(lead), lead, r.ID, 0)
		if err != nil || len(hist) != 2 || hist[1].Notified || !hist[0].Notified {
			t.Fatalf("history %+v %v", hist, err)
		}
	})
}

// TestTwoEvaluationsRacingNotifyOnce: two nodes evaluating at once record
// one change and tell once (the revision guard).
func TestTwoEvaluationsRacingNotifyOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead := e.user("lead")
		r, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "backlog", Op: ">", Threshold: ptr(0.0),
			UserIDs: []int64{lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		e.ticketIn(0)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() { errs <- e.alerts.Evaluate(context.Background()) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		hist, err := e.alerts.History(e.ctx(lead), lead, r.ID, 0)
		if err != nil || len(hist) != 1 || e.alertsOf(lead) != 1 {
			t.Fatalf("%d history rows, %d notifications (%v)", len(hist), e.alertsOf(lead), err)
		}
	})
}

// TestServiceLevelRuleWaitsForDecidedClocks: with no first-reply clock
// decided today the rule has no value and stays; once a clock is missed
// the level is 0% and a rule "for 0 minutes" fires at once.
func TestServiceLevelRuleWaitsForDecidedClocks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.middayZone()
		lead := e.user("lead")
		r, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "service_level", Op: "<", Threshold: ptr(90.0),
			UserIDs: []int64{lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.sla.CreatePolicy(e.ctx(e.admin), sla.NewPolicy{Name: "Everyone",
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 60}}}); err != nil {
			t.Fatal(err)
		}
		e.ticketIn(0)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.rule(r.ID); got.State != alert.StateOK || got.LastValue != nil || got.EvaluatedAt == nil {
			t.Fatalf("with nothing decided: %s, value %v", got.State, got.LastValue)
		}
		e.clock.Add(61 * time.Minute)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := e.rule(r.ID)
		if got.State != alert.StateFiring || got.LastValue == nil || *got.LastValue != 0 || e.alertsOf(lead) != 1 {
			t.Fatalf("a missed clock: %s, value %v, %d notifications", got.State, got.LastValue, e.alertsOf(lead))
		}
		var note string
		if err := d.Read().QueryRow(`SELECT note FROM notifications WHERE recipient_id = $1`, lead.ID).Scan(&note); err != nil {
			t.Fatal(err)
		}
		if note != "Alert firing: service_level < 90% (the desk, 0%)" {
			t.Fatalf("note %q", note)
		}
	})
}

// TestRulesRefuseBadInputAndAgents names the field at fault.
func TestRulesRefuseBadInputAndAgents(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead, agent := e.user("lead"), e.user("agent")
		good := alert.Input{Metric: "backlog", Op: ">", Threshold: ptr(5.0)}
		if _, err := e.alerts.Create(e.ctx(agent), agent, good); err == nil {
			t.Fatal("an agent created a rule")
		}
		for field, in := range map[string]alert.Input{
			"metric":           {Metric: "speed", Op: ">", Threshold: ptr(1.0)},
			"op":               {Metric: "backlog", Op: "!=", Threshold: ptr(1.0)},
			"threshold":        {Metric: "csat_7d", Op: "<", Threshold: ptr(120.0)},
			"duration_minutes": {Metric: "backlog", Op: ">", Threshold: ptr(1.0), DurationMinutes: -1},
			"emails":           {Metric: "backlog", Op: ">", Threshold: ptr(1.0), Emails: []string{"not an address"}},
			"user_ids":         {Metric: "backlog", Op: ">", Threshold: ptr(1.0), UserIDs: []int64{999999}},
			"team_id":          {Metric: "backlog", Op: ">", Threshold: ptr(1.0), TeamID: ptr(int64(999999))},
			"webhook_url":      {Metric: "backlog", Op: ">", Threshold: ptr(1.0), WebhookURL: "http://10.0.0.5/hook"},
		} {
			_, err := e.alerts.Create(e.ctx(lead), lead, in)
			wantField(t, err, field)
		}
		_, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "backlog", Op: ">", Threshold: ptr(1.0),
			UserIDs: []int64{agent.ID}})
		wantField(t, err, "user_ids") // an agent cannot open the alerts a notification leads to
		if n := testutil.Count(t, d, "alert_rules"); n != 0 {
			t.Fatalf("%d rules stored from bad input", n)
		}
		r, err := e.alerts.Create(e.ctx(lead), lead, good)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.alerts.Update(e.ctx(lead), lead, r.ID, alert.Patch{Op: ptr("=")})
		wantField(t, err, "op")
		up, err := e.alerts.Update(e.ctx(lead), lead, r.ID, alert.Patch{Threshold: ptr(7.0), DurationMinutes: ptr(10)})
		if err != nil || up.Threshold != 7 || up.DurationMinutes != 10 || up.Op != ">" {
			t.Fatalf("patched %+v %v", up, err)
		}
		if err := e.alerts.Delete(e.ctx(lead), lead, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.alerts.Rule(e.ctx(lead), lead, r.ID); err == nil {
			t.Fatal("a deleted rule was found")
		}
		var dead int
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE state = $1`, jobs.StateDead).Scan(&dead)
		if dead != 0 {
			t.Fatalf("%d dead jobs", dead)
		}
	})
}

// TestWebhookIsRetriedWithTheSameBody: a receiver that answers 503 gets
// the same body again after the backoff, signed anew; the delivery is then
// done.
func TestWebhookIsRetriedWithTheSameBody(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead := e.user("lead")
		e.hook.mu.Lock()
		e.hook.failures = 1
		e.hook.mu.Unlock()
		r, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "backlog", Op: ">", Threshold: ptr(0.0),
			WebhookURL: e.hook.srv.URL, WebhookSecret: "s3cret-shared-with-the-receiver"})
		if err != nil || r.WebhookSecret != "s3cret-shared-with-the-receiver" {
			t.Fatalf("rule %+v %v", r, err)
		}
		e.ticketIn(0)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		var state string
		d.Read().QueryRow(`SELECT state FROM jobs WHERE kind = $1`, alert.KindWebhook).Scan(&state)
		if state != jobs.StateFailed {
			t.Fatalf("after a 503 the delivery is %s", state)
		}
		e.clock.Add(time.Hour) // past the backoff
		e.runJobs()
		d.Read().QueryRow(`SELECT state FROM jobs WHERE kind = $1`, alert.KindWebhook).Scan(&state)
		posts := e.hook.received()
		if state != jobs.StateDone || len(posts) != 2 || string(posts[0].Body) != string(posts[1].Body) {
			t.Fatalf("after the retry: %s, %d posts", state, len(posts))
		}
		for _, p := range posts {
			if err := webhook.Verify("s3cret-shared-with-the-receiver", p.Signature, p.Body, e.clock.Now(), 2*time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		if posts[0].Signature == posts[1].Signature {
			t.Fatal("the retry was not signed anew")
		}
	})
}

// TestOneEvaluationAMinuteOnTwoNodes: two nodes, each with its queue and
// service, start and run their workers every minute; one evaluation runs
// a minute and one waits for the next.
func TestOneEvaluationAMinuteOnTwoNodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		other := jobs.New(d, testutil.Logger(t), jobs.Options{Now: e.clock.Now, WorkerID: "node-2"})
		second := alert.New(d, other, nil, nil, alert.Sources{SLA: e.sla, Feedback: e.surveys, Tickets: e.tickets,
			Settings: settings.NewStore(d)}, testutil.Logger(t), alert.Options{Now: e.clock.Now})
		for _, s := range []*alert.Service{e.alerts, second} {
			if err := s.Schedule(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		count := func(state string) int {
			var n int
			if err := d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = $2`,
				alert.KindEvaluate, state).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for minute := 1; minute <= 3; minute++ {
			var wg sync.WaitGroup
			for _, q := range []*jobs.Queue{e.queue, other} {
				wg.Go(func() {
					if _, err := q.RunDue(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if done, queued := count(jobs.StateDone), count(jobs.StateQueued); done != minute || queued != 1 {
				t.Fatalf("minute %d: %d evaluations done, %d queued", minute, done, queued)
			}
			e.clock.Add(time.Minute)
		}
	})
}

// TestRiskRulesCountOpenClocks: a first-reply clock of 60 minutes is at
// risk from 45 (75%), breached from 60; a solved ticket's clocks count
// nowhere.
func TestRiskRulesCountOpenClocks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead := e.user("lead")
		atRisk, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "at_risk", Op: ">=", Threshold: ptr(1.0)})
		if err != nil {
			t.Fatal(err)
		}
		breached, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "breached", Op: ">=", Threshold: ptr(1.0)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.sla.CreatePolicy(e.ctx(e.admin), sla.NewPolicy{Name: "Everyone",
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 60}}}); err != nil {
			t.Fatal(err)
		}
		e.ticketIn(0)
		solved := e.ticketIn(0)
		e.solve(solved.ID)
		check := func(when string, risk, breach float64, riskState, breachState string) {
			t.Helper()
			if err := e.alerts.Evaluate(context.Background()); err != nil {
				t.Fatal(err)
			}
			a, b := e.rule(atRisk.ID), e.rule(breached.ID)
			if *a.LastValue != risk || *b.LastValue != breach || a.State != riskState || b.State != breachState {
				t.Fatalf("%s: at risk %v (%s), breached %v (%s)", when, *a.LastValue, a.State, *b.LastValue, b.State)
			}
		}
		check("at once", 0, 0, alert.StateOK, alert.StateOK)
		e.clock.Add(50 * time.Minute)
		check("after 50 minutes", 1, 0, alert.StateFiring, alert.StateOK)
		e.clock.Add(11 * time.Minute)
		e.runJobs() // the SLA check job records the breach
		check("after 61 minutes", 0, 1, alert.StateResolved, alert.StateFiring)
	})
}
