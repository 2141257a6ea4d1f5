package dashboard_test

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/jhillyerd/enmime/v2"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func hour(h int) *int { return &h }

// A subscription's mail leaves through the desk's mailbox over SMTP at the
// recipient's hour, with each widget's CSV, the same numbers the widget
// shows; each period is mailed once, across a second worker (a restart)
// and a job run twice; after days down, one mail and not a backlog.
func TestSubscriptionMailsEachPeriodOnceWithItsCSV(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		lead := e.user("lead", "Europe/Berlin")
		dash, err := e.svc.Create(ctx, lead, dashboard.NewDashboard{Name: "Support daily", Widgets: []dashboard.Widget{
			{Report: "volume", GroupBy: "channel", Range: "last_7_days"}, {Report: "backlog_age"}}})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := e.svc.Subscribe(ctx, lead, dashboard.NewSubscription{DashboardID: &dash.ID, Frequency: "daily", Hour: hour(8)})
		if err != nil {
			t.Fatal(err)
		}
		if sub.TimeZone != "Europe/Berlin" || !sub.NextSendAt.Equal(utc("2026-12-07T07:00:00Z")) {
			t.Fatalf("subscribed: %+v", sub)
		}
		if e.runJobs(e.queue); len(e.relay.Received()) != 0 {
			t.Fatal("mailed before 08:00 in Berlin")
		}

		e.clock.Set(utc("2026-12-07T07:00:30Z"))
		e.runJobs(e.queue)
		mails := e.relay.Received()
		if len(mails) != 1 || mails[0].To[0] != lead.Email {
			t.Fatalf("mailed %d", len(mails))
		}
		m, err := enmime.ReadEnvelope(bytes.NewReader(mails[0].Raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.GetHeader("Subject"); got != "Dashboard: Support daily, 2026-12-07" {
			t.Errorf("subject %q", got)
		}
		// Dec 1 to 7 in Berlin: four tickets in, two solved.
		for _, want := range []string{"In all: Created 4, Solved 2.", "volume_2026-12-01_2026-12-07.csv",
			"https://desk.example.com/dashboards/"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the text lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.HTML, "<strong>Created 4</strong>, <strong>Solved 2</strong>") {
			t.Errorf("the HTML lacks the figures:\n%s", m.HTML)
		}
		if len(m.Attachments) != 2 {
			t.Fatalf("%d attachments", len(m.Attachments))
		}
		for i, w := range dash.Widgets {
			res, err := e.svc.Run(ctx, w, zone(t, "Europe/Berlin"), utc("2026-12-07T07:00:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			res.WriteCSV(&want)
			a := m.Attachments[i]
			if !strings.HasSuffix(a.FileName, ".csv") || !bytes.Equal(a.Content, want.Bytes()) {
				t.Errorf("attachment %s:\n%s\nwant:\n%s", a.FileName, a.Content, want.Bytes())
			}
		}
		messageID := m.GetHeader("Message-Id")

		// The job of the same period, run again (a crash after the commit
		// was lost, say): no second mail.
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := e.queue.Enqueue(ctx, tx, dashboard.KindSend, map[string]any{"subscription_id": sub.ID,
				"period": "2026-12-07", "due_at": utc("2026-12-07T07:00:00Z")}, jobs.EnqueueOptions{UniqueKey: "again"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		e.runJobs(e.queue)
		if n := len(e.relay.Received()); n != 1 {
			t.Fatalf("the period was mailed %d times", n)
		}

		// A restart: another worker and service take the next day's.
		e.queue = e.newQueue("worker-2")
		e.svc = dashboard.New(d, e.reports, e.queue, e.out, dashboard.Options{Now: e.clock.Now})
		e.clock.Set(utc("2026-12-08T07:01:00Z"))
		e.runJobs(e.queue)
		e.runJobs(e.queue)
		mails = e.relay.Received()
		if len(mails) != 2 || !bytes.Contains(mails[1].Raw, []byte("Support daily, 2026-12-08")) {
			t.Fatalf("the next day: %d mails", len(mails))
		}
		if bytes.Contains(mails[1].Raw, []byte(messageID)) {
			t.Error("two periods share a Message-ID")
		}

		// Three days down: the period that was due is sent, once, and the
		// next is the first still ahead.
		e.clock.Set(utc("2026-12-11T09:00:00Z"))
		e.runJobs(e.queue)
		e.runJobs(e.queue)
		if n := len(e.relay.Received()); n != 3 {
			t.Fatalf("after days down: %d mails", n)
		}
		subs, err := e.svc.Subscriptions(ctx, lead)
		if err != nil || len(subs) != 1 || subs[0].LastPeriod != "2026-12-09" ||
			!subs[0].NextSendAt.Equal(utc("2026-12-12T07:00:00Z")) {
			t.Fatalf("listed %+v %v", subs[0], err)
		}
		if n := testutil.Count(t, d, "report_subscription_sends"); n != 3 {
			t.Errorf("%d periods recorded", n)
		}
		var queued int
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state IN ('queued', 'running', 'failed')`,
			dashboard.KindSend).Scan(&queued)
		if queued != 1 {
			t.Errorf("%d sends queued, want the next one", queued)
		}

		// Unsubscribed: the queued send does nothing.
		if err := e.svc.Unsubscribe(ctx, lead, sub.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(utc("2026-12-12T08:00:00Z"))
		e.runJobs(e.queue)
		if n := len(e.relay.Received()); n != 3 {
			t.Errorf("mailed after unsubscribing: %d", n)
		}
	})
}

// Two recipients of the same report, each at 08:00 of their own zone.
func TestEachRecipientGetsTheirOwnHour(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		berlin, york := e.user("lead", "Europe/Berlin"), e.user("admin", "America/New_York")
		for _, u := range []*user.User{berlin, york} {
			_, err := e.svc.Subscribe(ctx, u, dashboard.NewSubscription{Report: "volume", Range: "this_week",
				Frequency: "weekly", Weekday: "mon", Hour: hour(8)})
			if err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Set(utc("2026-12-07T07:00:00Z"))
		e.runJobs(e.queue)
		if got := e.relay.Received(); len(got) != 1 || got[0].To[0] != berlin.Email {
			t.Fatalf("at 07:00 UTC: %+v", got)
		}
		e.clock.Set(utc("2026-12-07T13:00:00Z"))
		e.runJobs(e.queue)
		got := e.relay.Received()
		if len(got) != 2 || got[1].To[0] != york.Email || !bytes.Contains(got[1].Raw, []byte("Report: Volume, 2026-12-07")) {
			t.Fatalf("at 13:00 UTC: %d mails", len(got))
		}
	})
}

func TestSubscriptionsAreCheckedAgainstWhoAsks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		lead, agent := e.user("lead", ""), e.user("agent", "")
		dash, err := e.svc.Create(ctx, lead, dashboard.NewDashboard{Name: "Private"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Subscribe(ctx, agent, dashboard.NewSubscription{DashboardID: &dash.ID, Frequency: "daily", Hour: hour(8)})
		if ae, ok := apperr.As(err); !ok || ae.Field != "dashboard_id" {
			t.Errorf("an agent subscribed to a dashboard not shared with them: %v", err)
		}
		_, err = e.svc.Subscribe(ctx, agent, dashboard.NewSubscription{Report: "volume", Frequency: "daily", Hour: hour(8)})
		if !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("an agent subscribed to a report: %v", err)
		}
		for want, n := range map[string]dashboard.NewSubscription{
			"frequency":    {DashboardID: &dash.ID, Frequency: "hourly", Hour: hour(8)},
			"weekday":      {DashboardID: &dash.ID, Frequency: "weekly", Weekday: "someday", Hour: hour(8)},
			"hour":         {DashboardID: &dash.ID, Frequency: "daily", Hour: hour(24)},
			"report":       {Report: "speed", Frequency: "daily", Hour: hour(8)},
			"range":        {Report: "volume", Range: "forever", Frequency: "daily", Hour: hour(8)},
			"dashboard_id": {Frequency: "daily", Hour: hour(8)},
		} {
			_, err := e.svc.Subscribe(ctx, lead, n)
			if ae, ok := apperr.As(err); !ok || ae.Field != want {
				t.Errorf("%s: %v", want, err)
			}
		}
		sub, err := e.svc.Subscribe(ctx, lead, dashboard.NewSubscription{DashboardID: &dash.ID, Frequency: "daily", Hour: hour(8)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Unsubscribe(ctx, agent, sub.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("an agent stopped a lead's email: %v", err)
		}
	})
}

// A period that cannot be mailed (no mailbox can send) is given up, and
// the next one is still queued: the subscription lives on.
func TestAFailedPeriodKeepsTheSubscriptionGoing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		lead := e.user("lead", "UTC")
		if _, err := e.svc.Subscribe(ctx, lead, dashboard.NewSubscription{Report: "backlog_age", Frequency: "daily", Hour: hour(7)}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().Exec(`DELETE FROM mailboxes`); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(utc("2026-12-07T07:00:00Z"))
		e.runJobs(e.queue)
		var dead, next int
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'dead'`, dashboard.KindSend).Scan(&dead)
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'queued' AND unique_key LIKE '%:2026-12-08:%'`,
			dashboard.KindSend).Scan(&next)
		if dead != 1 || next != 1 || len(e.relay.Received()) != 0 {
			t.Fatalf("dead %d, next day queued %d, mailed %d", dead, next, len(e.relay.Received()))
		}
		if n := testutil.Count(t, d, "report_subscription_sends"); n != 0 {
			t.Errorf("a period not mailed was recorded as sent")
		}
	})
}

// A recipient who moves to another zone gets the period's mail at their
// hour there, once.
func TestAMoveToAnotherZoneMovesTheHour(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		lead := e.user("lead", "UTC")
		if _, err := e.svc.Subscribe(ctx, lead, dashboard.NewSubscription{Report: "volume", Frequency: "daily", Hour: hour(8)}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().Exec(`UPDATE users SET time_zone = 'America/New_York' WHERE id = $1`, lead.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(utc("2026-12-07T08:00:30Z"))
		e.runJobs(e.queue)
		if n := len(e.relay.Received()); n != 0 {
			t.Fatalf("mailed at 08:00 UTC, 03:00 in New York")
		}
		e.clock.Set(utc("2026-12-07T13:00:30Z"))
		e.runJobs(e.queue)
		e.runJobs(e.queue)
		got := e.relay.Received()
		if len(got) != 1 || !bytes.Contains(got[0].Raw, []byte("Report: Volume, 2026-12-07")) {
			t.Fatalf("at 08:00 in New York: %d mails", len(got))
		}
	})
}
