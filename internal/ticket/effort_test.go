package ticket_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// clock is a settable time for a scripted history.
type clock struct{ now time.Time }

func (c *clock) at(d time.Duration, base time.Time) { c.now = base.Add(d) }

func scriptedService(d *db.DB) (*ticket.Service, *clock, time.Time) {
	s := ticket.NewService(d)
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := &clock{now: base}
	ticket.SetClock(s, func() time.Time { return c.now })
	return s, c, base
}

func mustEffort(t *testing.T, s *ticket.Service, id int64) effort.Effort {
	t.Helper()
	tk, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tk.Effort
}

func sameEffort(t *testing.T, what string, got, want effort.Effort) {
	t.Helper()
	if got.Contacts != want.Contacts || !slices.Equal(got.Channels, want.Channels) ||
		got.ChannelSwitches != want.ChannelSwitches || got.Reopens != want.Reopens ||
		got.Transfers != want.Transfers || got.CustomerWaitSeconds != want.CustomerWaitSeconds || got.CES != nil {
		t.Fatalf("%s: effort %+v, want %+v", what, got, want)
	}
}

// TestEffortOfAScriptedHistory: a ticket worked by email, then a logged
// phone call that reopens it, then email again, with a reassignment; every
// figure is exact, in the stored row, in the ticket in hand, and after a
// recount from the history.
func TestEffortOfAScriptedHistory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s, c, base := scriptedService(d)
		ctx, ann := agentCtx(t, d)
		_, bob := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "effort@example.com")) // 09:00 email, the wait starts
		sameEffort(t, "created", tk.Effort, effort.Effort{Contacts: 1, Channels: []string{"email"}})

		c.at(time.Minute, base)
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&ann)}); err != nil {
			t.Fatal(err) // the first assignment: no transfer
		}
		c.at(10*time.Minute, base)
		if _, err := s.AddMessage(ctx, tk.ID, "Try turning it off.", ticket.KindReply); err != nil {
			t.Fatal(err) // the wait ends: 600 s
		}
		c.at(20*time.Minute, base)
		solved := "solved"
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		c.at(30*time.Minute, base) // the customer calls: a switch, a reopen, a wait
		m, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Body: "Still on fire.", Kind: ticket.KindReply,
			Author: "customer", Channel: "phone"})
		if err != nil {
			t.Fatal(err)
		}
		if m.AuthorType != "customer" || m.AuthorID == nil || *m.AuthorID != tk.RequesterID || m.Channel != "phone" {
			t.Fatalf("logged call: %+v", m)
		}
		c.at(35*time.Minute, base)
		if _, err := s.AddMessage(ctx, tk.ID, "Called them back.", ticket.KindNote); err != nil {
			t.Fatal(err) // a note changes nothing
		}
		c.at(40*time.Minute, base)
		moved, err := s.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&bob)})
		if err != nil {
			t.Fatal(err) // a transfer
		}
		if moved.Effort.Transfers != 1 || moved.Effort.Reopens != 1 {
			t.Fatalf("the ticket in hand after the transfer: %+v", moved.Effort)
		}
		c.at(50*time.Minute, base)
		if _, err := s.AddMessage(ctx, tk.ID, "A technician is on the way.", ticket.KindReply); err != nil {
			t.Fatal(err) // the wait ends: 1200 s more
		}
		for _, at := range []time.Duration{60 * time.Minute, 61 * time.Minute} {
			c.at(at, base) // email again: one switch, one wait for both
			if _, err := s.AppendReceived(context.Background(), tk.ID,
				ticket.Received{CustomerID: tk.RequesterID, Body: "When?", Channel: "email"}, true); err != nil {
				t.Fatal(err)
			}
		}
		c.at(90*time.Minute, base)
		if _, err := s.AddMessage(ctx, tk.ID, "At three.", ticket.KindReply); err != nil {
			t.Fatal(err) // the wait ends: 1800 s more
		}
		want := effort.Effort{Contacts: 4, Channels: []string{"email", "phone"}, ChannelSwitches: 2,
			Reopens: 1, Transfers: 1, CustomerWaitSeconds: 600 + 1200 + 1800}
		sameEffort(t, "stored", mustEffort(t, s, tk.ID), want)

		if err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			return ticket.RecountWaiting(ctx, tx, tk.ID, tk.ID)
		}); err != nil {
			t.Fatal(err)
		}
		sameEffort(t, "recounted", mustEffort(t, s, tk.ID), want)

		evs, err := s.Events(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		logged := false
		for _, e := range evs {
			if e.Type == ticket.EventMessageAdded && e.Data["logged_by"] != nil {
				logged = e.ActorType == "customer" && e.Data["channel"] == "phone"
			}
		}
		if !logged {
			t.Fatalf("no message.added records the agent who logged the call: %+v", evs)
		}
	})
}

// TestEffortAfterAMerge: merging a portal request into the email ticket of
// the same customer gives the target both contacts, both channels and the
// switch between them, leaves the closed source none, and the customer's
// sum counts each contact once.
func TestEffortAfterAMerge(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s, c, base := scriptedService(d)
		ctx, _ := agentCtx(t, d)
		a := mustCreate(t, s, newTicket(1, "merge-effort@example.com"))
		c.at(5*time.Minute, base)
		n := newTicket(2, "merge-effort@example.com")
		n.Channel = "portal"
		b := mustCreate(t, s, n)
		c.at(10*time.Minute, base)
		if _, err := s.AddMessage(ctx, a.ID, "On it.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		c.at(20*time.Minute, base)
		merged, err := s.Merge(ctx, b.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := effort.Effort{Contacts: 2, Channels: []string{"email", "portal"}, ChannelSwitches: 1,
			CustomerWaitSeconds: 600}
		sameEffort(t, "target", mustEffort(t, s, a.ID), want)
		sameEffort(t, "source", mustEffort(t, s, b.ID), effort.Effort{Channels: []string{}})
		if merged.Target.Effort.Contacts != 2 {
			t.Fatalf("the merge answered the target with %+v", merged.Target.Effort)
		}
		sum, err := effort.ForCustomerAt(context.Background(), d.Reader(context.Background()), a.RequesterID, c.now)
		if err != nil {
			t.Fatal(err)
		}
		sameEffort(t, "customer", sum, want)
	})
}

// TestLoggedMessageBadInput: the author and channel of a message an agent
// writes are checked before anything is stored.
func TestLoggedMessageBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "bad-log@example.com"))
		for _, tc := range []struct {
			in    ticket.NewMessage
			field string
		}{
			{ticket.NewMessage{Body: "x", Kind: "reply", Channel: "fax"}, "channel"},
			{ticket.NewMessage{Body: "x", Kind: "reply", Author: "customer", Channel: "fax"}, "channel"},
			{ticket.NewMessage{Body: "x", Kind: "reply", Author: "customer", Channel: "email"}, "channel"},
			{ticket.NewMessage{Body: "x", Kind: "reply", Author: "customer", Channel: "portal"}, "channel"},
			{ticket.NewMessage{Body: "x", Kind: "reply", Author: "customer"}, "channel"},
			{ticket.NewMessage{Body: "x", Kind: "note", Author: "customer", Channel: "phone"}, "kind"},
			{ticket.NewMessage{Body: "x", Kind: "reply", Author: "robot", Channel: "phone"}, "author"},
		} {
			_, err := s.PostMessage(ctx, tk.ID, tc.in)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || e.Field != tc.field {
				t.Errorf("%+v: %v, want invalid %s", tc.in, err, tc.field)
			}
		}
		sameEffort(t, "untouched", mustEffort(t, s, tk.ID), effort.Effort{Contacts: 1, Channels: []string{"email"},
			CustomerWaitSeconds: mustEffort(t, s, tk.ID).CustomerWaitSeconds})
	})
}
