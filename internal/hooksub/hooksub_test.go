package hooksub_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// TestEventIsPostedSignedOnceEvenWhenReadAgain: a new ticket reaches the
// subscriber once, signed so that the receiver can verify it with the
// secret it was shown; the consumer reading the same events again (as
// after a crash before its progress was recorded) makes no second
// delivery.
func TestEventIsPostedSignedOnceEvenWhenReadAgain(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sub := e.subscribe(hooksub.Input{Events: []string{"ticket.created"}})
		if !strings.HasPrefix(sub.Secret, "whsec_") || e.get(sub.ID).Secret != "" {
			t.Fatalf("the secret is shown once, on creation: %q", sub.Secret)
		}
		tk := e.open("Refund", 0)
		e.runJobs()
		posts := e.recv.received()
		if len(posts) != 1 {
			t.Fatalf("%d posts, want 1", len(posts))
		}
		p := posts[0]
		if err := webhook.Verify(sub.Secret, p.Signature, p.Body, e.clock.Now(), 5*time.Minute); err != nil {
			t.Fatalf("the receiver cannot verify the post: %v", err)
		}
		if err := webhook.Verify("whsec_other", p.Signature, p.Body, e.clock.Now(), 5*time.Minute); err == nil {
			t.Fatal("another secret verifies the post")
		}
		var body hooksub.Payload
		if err := json.Unmarshal(p.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Type != ticket.EventCreated || body.TicketID != tk.ID || body.Ticket == nil ||
			body.Ticket.Subject != "Refund" || body.EventID == 0 || p.EventID != strconv.FormatInt(body.EventID, 10) {
			t.Fatalf("payload %s, event id header %q", p.Body, p.EventID)
		}

		// The consumer reads the ticket's events again.
		evs, err := events.List(context.Background(), d.Read(), tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		err = d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			return e.hooks.Consumer().Handle(ctx, tx, evs)
		})
		if err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		if n := len(e.recv.received()); n != 1 {
			t.Fatalf("%d posts after the events were read again, want 1", n)
		}
		if log := e.deliveries(sub); len(log) != 1 || log[0].State != hooksub.StateDelivered ||
			log[0].ResponseCode == nil || *log[0].ResponseCode != 204 || log[0].Attempts != 1 {
			t.Fatalf("log %+v", log)
		}
	})
}

// TestFailedPostIsRetriedWithTheSameBody: a 500 is logged and retried
// after the backoff with the same body and event id, newly signed, until
// the receiver takes it.
func TestFailedPostIsRetriedWithTheSameBody(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sub := e.subscribe(hooksub.Input{Events: []string{"ticket.created"}})
		e.recv.fail(1)
		e.open("Refund", 0)
		e.runJobs()
		log := e.deliveries(sub)
		if len(log) != 1 || log[0].State != hooksub.StatePending || log[0].ResponseCode == nil ||
			*log[0].ResponseCode != 500 || log[0].Error == "" {
			t.Fatalf("after a 500: %+v", log)
		}
		if got := e.get(sub.ID); got.Failures != 1 || !got.Active {
			t.Fatalf("after a 500 the subscription is %+v", got)
		}
		e.clock.Add(time.Minute) // past the first backoff
		e.runJobs()
		posts := e.recv.received()
		if len(posts) != 2 || string(posts[0].Body) != string(posts[1].Body) || posts[0].EventID != posts[1].EventID {
			t.Fatalf("%d posts", len(posts))
		}
		if err := webhook.Verify(sub.Secret, posts[1].Signature, posts[1].Body, e.clock.Now(), time.Minute); err != nil {
			t.Fatal(err)
		}
		log = e.deliveries(sub)
		if log[0].State != hooksub.StateDelivered || log[0].Attempts != 2 || *log[0].ResponseCode != 204 || log[0].Error != "" {
			t.Fatalf("after the retry: %+v", log[0])
		}
		if got := e.get(sub.ID); got.Failures != 0 {
			t.Fatalf("a success leaves %d failures", got.Failures)
		}
	})
}

// TestDeliveryIsGivenUpAfterADay: a receiver down for 24 hours ends the
// delivery failed.
func TestDeliveryIsGivenUpAfterADay(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sub := e.subscribe(hooksub.Input{Events: []string{"ticket.created"}, PauseAfter: 1000})
		e.recv.fail(1000)
		e.open("Refund", 0)
		for range 40 {
			e.runJobs()
			if log := e.deliveries(sub); log[0].State != hooksub.StatePending {
				break
			}
			e.clock.Add(time.Hour)
		}
		log := e.deliveries(sub)
		if log[0].State != hooksub.StateFailed || !strings.Contains(log[0].Error, "given up") {
			t.Fatalf("after a day: %+v", log[0])
		}
		if age := log[0].AttemptedAt.Sub(log[0].CreatedAt); age < hooksub.RetryFor || age > hooksub.RetryFor+time.Hour {
			t.Fatalf("given up after %s", age)
		}
	})
}

// TestFailuresInARowPauseAndMailTheAdmins: after pause_after failed
// attempts the subscription is paused with a reason, each admin gets one
// mail, what is still queued is skipped and new events are not recorded;
// a redelivery still goes, and resuming clears the failures.
func TestFailuresInARowPauseAndMailTheAdmins(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("admin") // a second admin, mailed too
		e.user("agent") // not mailed
		sub := e.subscribe(hooksub.Input{Events: []string{"ticket.created"}, PauseAfter: 3})
		e.recv.fail(1000)
		for _, s := range []string{"One", "Two", "Three", "Four"} {
			e.open(s, 0)
		}
		e.runJobs() // four first attempts: the third pauses
		got := e.get(sub.ID)
		if got.Active || !strings.Contains(got.PausedReason, "3 failed") {
			t.Fatalf("after 3 failures: %+v", got)
		}
		e.runJobs() // the mails
		mails := e.relay.Received()
		if len(mails) != 2 || !strings.Contains(string(mails[0].Raw), "Webhook paused") {
			t.Fatalf("mails: %+v", mails)
		}
		e.clock.Add(time.Hour)
		e.runJobs()
		if n := len(e.recv.received()); n != 3 {
			t.Fatalf("%d posts to a paused webhook's receiver, want 3", n)
		}
		log := e.deliveries(sub)
		if log[0].State != hooksub.StateSkipped {
			t.Fatalf("the fourth delivery is %s", log[0].State)
		}
		e.open("Five", 0)
		if n := len(e.deliveries(sub)); n != 4 {
			t.Fatalf("a paused webhook got a delivery recorded: %d", n)
		}

		// The receiver is fixed: a redelivery goes to the paused webhook.
		e.recv.fail(0)
		re, err := e.hooks.Redeliver(e.ctx(e.admin), e.admin, sub.ID, log[0].ID)
		if err != nil || re.RedeliveryOf == nil || re.EventID != log[0].EventID {
			t.Fatalf("redelivery %+v %v", re, err)
		}
		e.runJobs()
		if posts := e.recv.received(); len(posts) != 4 || string(posts[3].Body) != string(log[0].Body) {
			t.Fatalf("%d posts after the redelivery", len(posts))
		}
		got, err = e.hooks.Update(e.ctx(e.admin), e.admin, sub.ID, hooksub.Patch{Active: ptr(true)})
		if err != nil || !got.Active || got.Failures != 0 || got.PausedReason != "" {
			t.Fatalf("resumed %+v %v", got, err)
		}
		e.open("Six", 0)
		e.runJobs()
		if n := len(e.recv.received()); n != 5 {
			t.Fatalf("%d posts after resuming, want 5", n)
		}
	})
}

// TestFilterNarrowsToTeamsChannelsAndTags: only events of tickets that
// pass the filter are delivered, and only the event types asked for.
func TestFilterNarrowsToTeamsChannelsAndTags(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		billing := e.team("Billing")
		sub := e.subscribe(hooksub.Input{Events: []string{"ticket.team_changed"},
			Filter: &hooksub.Filter{TeamIDs: []int64{billing.ID}, Channels: []string{"email"}}})
		e.open("No team", 0)
		tk := e.open("Billing", billing.ID)
		e.runJobs()
		log := e.deliveries(sub)
		if len(log) != 1 || log[0].EventType != "ticket.team_changed" {
			t.Fatalf("log %+v", log)
		}
		var body hooksub.Payload
		json.Unmarshal(log[0].Body, &body)
		if body.TicketID != tk.ID || body.Ticket.TeamID == nil || *body.Ticket.TeamID != billing.ID {
			t.Fatalf("body %s", log[0].Body)
		}

		tagged := e.subscribe(hooksub.Input{Events: []string{"ticket.tags_changed"}, Filter: &hooksub.Filter{Tags: []string{"Refund"}}})
		tags := []string{"refund", "vip"}
		if _, err := e.tickets.Update(e.ctx(e.admin), tk.ID, ticket.Patch{Tags: &tags}); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if n := len(e.deliveries(tagged)); n != 1 {
			t.Fatalf("%d deliveries for the tag filter", n)
		}
	})
}

// TestSubscriptionsRefuseBadInput: each mistake is refused naming its
// field, unknown event types by name; only admins manage subscriptions.
func TestSubscriptionsRefuseBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := e.ctx(e.admin)
		good := e.recv.srv.URL
		for field, in := range map[string]hooksub.Input{
			"url":             {URL: "", Events: []string{"ticket.created"}},
			"url ":            {URL: "ftp://example.com/x", Events: []string{"ticket.created"}},
			"events":          {URL: good, Events: []string{"ticket.created", "ticket.exploded"}},
			"events ":         {URL: good},
			"filter.channels": {URL: good, Events: []string{"ticket.created"}, Filter: &hooksub.Filter{Channels: []string{"fax"}}},
			"filter.team_ids": {URL: good, Events: []string{"ticket.created"}, Filter: &hooksub.Filter{TeamIDs: []int64{999999}}},
			"filter.tags":     {URL: good, Events: []string{"ticket.created"}, Filter: &hooksub.Filter{Tags: []string{" "}}},
			"pause_after":     {URL: good, Events: []string{"ticket.created"}, PauseAfter: -1},
		} {
			_, err := e.hooks.Create(ctx, e.admin, in)
			wantField(t, err, strings.TrimSpace(field))
			if field == "events" && !strings.Contains(err.Error(), "ticket.exploded") {
				t.Fatalf("the unknown event is not named: %v", err)
			}
		}
		lead := e.user("lead")
		if _, err := e.hooks.List(e.ctx(lead), lead); err == nil {
			t.Fatal("a lead listed webhooks")
		}
	})
}
