package joining_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// A mail without thread headers joins the sender's one open ticket when
// the subjects match once normalised, only within the window, only for
// the same customer, and only when that ticket is the one candidate.
func TestMailJoinsBySubject(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.deliver(newMail("Ann <ann@customer.example>", "Invoice missing", "Where is my invoice?"))
		if first.Outcome != mail.OutcomeNew {
			t.Fatalf("first mail: %+v", first)
		}
		ann := first.TicketID

		// Another client's reply prefix and a ticket tag, no headers.
		raw := newMail("ann@customer.example", "AW: [#999] invoice   MISSING", "Still nothing.")
		r := e.deliver(raw)
		if r.Outcome != mail.OutcomeJoined || r.TicketID != ann || e.messages(ann) != 2 {
			t.Fatalf("same subject: %+v, %d messages", r, e.messages(ann))
		}
		evs := e.events(ann, joining.EventJoined, joining.EventChannelSwitched)
		if len(evs) != 1 || evs[0].Type != joining.EventJoined || evs[0].Data["via"] != joining.ViaSubject ||
			evs[0].ActorType != "customer" {
			t.Errorf("join events: %+v", evs)
		}
		if e.acks() != 1 {
			t.Errorf("join acknowledgements: %d, want 1", e.acks())
		}

		// A retried delivery, twice at once and once more, is the same mail.
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				res, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, Raw: []byte(raw)})
				if err != nil || res.Outcome != mail.OutcomeDuplicate {
					t.Errorf("retry: %+v, %v", res, err)
				}
			})
		}
		wg.Wait()
		if r := e.deliver(raw); r.Outcome != mail.OutcomeDuplicate {
			t.Errorf("retry: %+v", r)
		}
		if n := e.messages(ann); n != 2 || e.acks() != 1 ||
			len(e.events(ann, joining.EventJoined, joining.EventChannelSwitched)) != 1 {
			t.Errorf("after retries: %d messages, %d acks", n, e.acks())
		}

		// Another subject opens a ticket, suggested as possibly the same
		// issue.
		other := e.deliver(newMail("ann@customer.example", "Delivery late", "Where is my parcel?"))
		if other.Outcome != mail.OutcomeNew {
			t.Fatalf("other subject: %+v", other)
		}
		if s := e.suggestions(other.TicketID); len(s) != 1 || s[0].Other.ID != ann || !s[0].Newer {
			t.Errorf("suggestions of the new ticket: %+v", s)
		}
		if s := e.suggestions(ann); len(s) != 1 || s[0].Other.ID != other.TicketID || s[0].Newer {
			t.Errorf("suggestions of the old ticket: %+v", s)
		}
		links, err := ticketlink.New(e.d, e.tickets).List(context.Background(), other.TicketID)
		if err != nil || len(links) != 1 || links[0].TicketID != ann {
			t.Errorf("links: %+v, %v", links, err)
		}

		// Two open tickets in the window: even a matching subject opens a
		// new ticket, linked to both.
		two := e.deliver(newMail("ann@customer.example", "Re: Invoice missing", "Third time."))
		if two.Outcome != mail.OutcomeNew || two.TicketID == ann {
			t.Errorf("two candidates: %+v", two)
		}
		if s := e.suggestions(two.TicketID); len(s) != 2 {
			t.Errorf("two candidates: suggestions %+v", s)
		}

		// Another customer with the same subject gets a ticket of their own.
		bob := e.deliver(newMail("bob@else.example", "Invoice missing", "Mine too."))
		if bob.Outcome != mail.OutcomeNew || len(e.suggestions(bob.TicketID)) != 0 {
			t.Errorf("another customer: %+v", bob)
		}
	})
}

// The window: a ticket last updated longer ago than join_window_days takes
// no join and no suggestion; the setting moves the edge, and 0 turns
// joining off.
func TestMailJoinWindow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		old := e.deliver(newMail("cat@customer.example", "Broken zip", "Unzip fails."))
		e.age(old.TicketID, 8*24*time.Hour)
		r := e.deliver(newMail("cat@customer.example", "Re: Broken zip", "Any news?"))
		if r.Outcome != mail.OutcomeNew || r.TicketID == old.TicketID || len(e.suggestions(r.TicketID)) != 0 {
			t.Errorf("outside the default 7 days: %+v", r)
		}
		// Solve the newer one; widen the window to 10 days: the old one is
		// the one candidate again.
		if _, err := e.tickets.SolveByCustomer(context.Background(), r.TicketID, e.ticket(r.TicketID).RequesterID); err != nil {
			t.Fatal(err)
		}
		ten := 10
		if _, err := settings.NewStore(d).Update(context.Background(), settings.Patch{JoinWindowDays: &ten}); err != nil {
			t.Fatal(err)
		}
		e.age(old.TicketID, 8*24*time.Hour)
		j := e.deliver(newMail("cat@customer.example", "RE: RE: broken zip", "Hello?"))
		if j.Outcome != mail.OutcomeJoined || j.TicketID != old.TicketID {
			t.Errorf("inside a 10-day window: %+v", j)
		}
		off := 0
		if _, err := settings.NewStore(d).Update(context.Background(), settings.Patch{JoinWindowDays: &off}); err != nil {
			t.Fatal(err)
		}
		n := e.deliver(newMail("cat@customer.example", "Broken zip", "Again."))
		if n.Outcome != mail.OutcomeNew || len(e.suggestions(n.TicketID)) != 0 {
			t.Errorf("window off: %+v", n)
		}
		bad := -1
		if _, err := settings.NewStore(d).Update(context.Background(), settings.Patch{JoinWindowDays: &bad}); err == nil {
			t.Error("a negative window was accepted")
		}
	})
}

// A mail joining a request opened in the portal is a channel switch, and
// reopens the request if it waited on the customer.
func TestMailJoinSwitchesChannel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.deliver(newMail("dan@customer.example", "placeholder", "x"))
		dan := e.ticket(first.TicketID).RequesterID
		if _, err := e.tickets.SolveByCustomer(context.Background(), first.TicketID, dan); err != nil {
			t.Fatal(err)
		}
		tk, _, err := e.tickets.OpenReceived(context.Background(), ticketReceived(dan, "Cannot sign in", "portal"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().Exec(`UPDATE tickets SET status = 'pending' WHERE id = $1`, tk.ID); err != nil {
			t.Fatal(err)
		}
		r := e.deliver(newMail("dan@customer.example", "Fwd: Cannot sign in", "Here is the error."))
		if r.Outcome != mail.OutcomeJoined || r.TicketID != tk.ID || !r.Reopened {
			t.Fatalf("join: %+v", r)
		}
		if got := e.ticket(tk.ID).Status; got != "open" {
			t.Errorf("status %s, want open", got)
		}
		evs := e.events(tk.ID, joining.EventJoined, joining.EventChannelSwitched)
		if len(evs) != 1 || evs[0].Type != joining.EventChannelSwitched ||
			evs[0].Data["previous_channel"] != "portal" || evs[0].Data["channel"] != "email" {
			t.Errorf("events: %+v", evs)
		}
		// The next mail comes by the channel the last one did: a join, no switch.
		e.deliver(newMail("dan@customer.example", "Re: Cannot sign in", "And this."))
		evs = e.events(tk.ID, joining.EventJoined, joining.EventChannelSwitched)
		if len(evs) != 2 || evs[1].Type != joining.EventJoined {
			t.Errorf("second join: %+v", evs)
		}
	})
}

// TestMailAfterALoggedCallSwitchesChannel: the customer's previous channel
// is that of their last message on the ticket, a call an agent logged
// included, not the channel the ticket was opened by: a mail after a
// logged phone call is a switch from phone.
func TestMailAfterALoggedCallSwitchesChannel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.deliver(newMail("eve@customer.example", "placeholder", "x"))
		eve := e.ticket(first.TicketID).RequesterID
		if _, err := e.tickets.SolveByCustomer(context.Background(), first.TicketID, eve); err != nil {
			t.Fatal(err)
		}
		tk, _, err := e.tickets.OpenReceived(context.Background(), ticketReceived(eve, "Heating broken", "email"))
		if err != nil {
			t.Fatal(err)
		}
		agent := testutil.NewUser(t, d, "agent")
		if _, err := e.tickets.PostMessage(testutil.As(agent), tk.ID, ticket.NewMessage{Body: "Called: still cold.",
			Kind: "reply", Author: "customer", Channel: "phone"}); err != nil {
			t.Fatal(err)
		}
		r := e.deliver(newMail("eve@customer.example", "Fwd: Heating broken", "Photo of the boiler."))
		if r.Outcome != mail.OutcomeJoined || r.TicketID != tk.ID {
			t.Fatalf("join: %+v", r)
		}
		evs := e.events(tk.ID, joining.EventJoined, joining.EventChannelSwitched)
		if len(evs) != 1 || evs[0].Type != joining.EventChannelSwitched ||
			evs[0].Data["previous_channel"] != "phone" || evs[0].Data["channel"] != "email" {
			t.Errorf("events: %+v", evs)
		}
	})
}
