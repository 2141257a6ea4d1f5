package notify_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestMentions(t *testing.T) {
	t.Parallel()
	got := notify.Mentions("Hi @ana. Ask @\"Bo Berg\" and mail ana@example.com, (@carl_2)\n@\"\" @")
	want := []notify.Mention{{Text: "ana"}, {Text: "Bo Berg", Quoted: true}, {Text: "carl_2"}}
	if !slices.Equal(got, want) {
		t.Fatalf("mentions %+v, want %+v", got, want)
	}
}

type fixture struct {
	d       *db.DB
	bus     *events.Bus
	svc     *notify.Service
	tickets *ticket.Service
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{d: d, bus: events.NewBus(d, testutil.Logger(t), events.Options{}),
		svc: notify.NewService(d), tickets: ticket.NewService(d)}
	if err := f.bus.Register(f.svc.Consumer()); err != nil {
		t.Fatal(err)
	}
	f.drain(t) // registers the consumer: it starts from now
	return f
}

func (f *fixture) drain(t *testing.T) {
	t.Helper()
	if err := f.bus.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) newTicket(t *testing.T, as int64) *ticket.Ticket {
	t.Helper()
	tk, err := f.tickets.Create(testutil.As(as), ticket.NewTicket{Subject: "Refund",
		Requester: ticket.Requester{Email: "cu@example.com", Name: "Cu"}, Body: "Please.", Channel: "api"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (f *fixture) user(t *testing.T, email, name string) int64 {
	t.Helper()
	id := testutil.NewUser(t, f.d, "agent")
	if _, err := f.d.Write().Exec(`UPDATE users SET email = $1, name = $2 WHERE id = $3`, email, name, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAssignmentAndMentionNotifyOnce(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana := f.user(t, "ana.lima@example.com", "Ana Lima")
		bo := f.user(t, "bo@example.com", "Bo Berg")
		ctx := context.Background()
		tk := f.newTicket(t, bo)

		// Bo assigns to Ana: Ana is told. Ana takes another ticket herself: not.
		if _, err := f.tickets.Update(testutil.As(bo), tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&ana)}); err != nil {
			t.Fatal(err)
		}
		own := f.newTicket(t, ana)
		if _, err := f.tickets.Update(testutil.As(ana), own.ID, ticket.Patch{AssigneeID: ticket.SetID(&ana)}); err != nil {
			t.Fatal(err)
		}
		// A note mentions both by handle and name (and Bo himself); a reply
		// mentions nobody.
		if _, err := f.tickets.AddMessage(testutil.As(bo), tk.ID, `@ana.lima and @"bo berg" look`, ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		if _, err := f.tickets.AddMessage(testutil.As(bo), tk.ID, "Hello @ana.lima", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		f.drain(t) // a second pass must not double anything

		list, err := f.svc.List(ctx, ana, 0)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, n := range list {
			kinds = append(kinds, n.Kind)
			if n.TicketID != tk.ID || n.ActorID == nil || *n.ActorID != bo || n.ActorName != "Bo Berg" {
				t.Fatalf("notification %+v", n)
			}
		}
		if !slices.Equal(kinds, []string{notify.KindMentioned, notify.KindAssigned}) {
			t.Fatalf("Ana's notifications %v", kinds)
		}
		if got := list[1].Text(); got != "Bo Berg assigned #"+itoa(tk.Number)+" to you" {
			t.Fatalf("text %q", got)
		}
		if n, _ := f.svc.Unread(ctx, bo); n != 0 {
			t.Fatalf("Bo has %d notifications, want none (he acted himself)", n)
		}
		// Each notification is also an event on the ticket, for live streams.
		evs, err := events.List(ctx, d.Read(), tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		created := 0
		for _, e := range evs {
			if e.Type == notify.EventCreated {
				created++
			}
		}
		if created != 2 {
			t.Fatalf("%d notification events, want 2", created)
		}

		// Marking read: one, then all; another's notification is not found.
		if n, _ := f.svc.Unread(ctx, ana); n != 2 {
			t.Fatalf("unread %d, want 2", n)
		}
		if err := f.svc.MarkRead(ctx, bo, list[0].ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("marking another's notification: %v", err)
		}
		if err := f.svc.MarkRead(ctx, ana, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.svc.Unread(ctx, ana); n != 1 {
			t.Fatalf("unread %d after one read, want 1", n)
		}
		if err := f.svc.MarkAllRead(ctx, ana); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.svc.Unread(ctx, ana); n != 0 {
			t.Fatalf("unread %d after all read, want 0", n)
		}
		got, err := f.svc.Get(ctx, ana, list[1].ID)
		if err != nil || got.ReadAt == nil {
			t.Fatalf("get: %+v %v", got, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
