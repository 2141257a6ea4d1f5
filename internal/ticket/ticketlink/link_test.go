package ticketlink_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

func TestLinks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ls := ticketlink.New(d, s)
		ctx := context.Background()
		var tk [4]*ticket.Ticket
		for i := range tk {
			tk[i] = mustCreate(t, s, newTicket(i, "ada@example.com"))
		}
		a, b, c, x := tk[0].ID, tk[1].ID, tk[2].ID, tk[3].ID

		rel, err := ls.Add(ctx, b, ticketlink.NewLink{Type: ticketlink.Related, TicketID: a})
		if err != nil || rel.Type != ticketlink.Related || rel.TicketID != a || rel.Number != tk[0].Number {
			t.Fatalf("related: %+v, %v", rel, err)
		}
		// a is the parent of b, asked from either end; b the parent of c.
		if _, err := ls.Add(ctx, b, ticketlink.NewLink{Type: ticketlink.Parent, TicketID: a}); err != nil {
			t.Fatal(err)
		}
		if _, err := ls.Add(ctx, b, ticketlink.NewLink{Type: ticketlink.Child, TicketID: c}); err != nil {
			t.Fatal(err)
		}
		seen := func(id int64) map[string][]int64 {
			links, err := ls.List(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string][]int64{}
			for _, l := range links {
				out[l.Type] = append(out[l.Type], l.TicketID)
			}
			return out
		}
		if got := seen(b); len(got) != 3 || got["related"][0] != a || got["parent"][0] != a || got["child"][0] != c {
			t.Fatalf("b sees %v", got)
		}
		if got := seen(a); len(got) != 2 || got["related"][0] != b || got["child"][0] != b {
			t.Fatalf("a sees %v", got)
		}
		if got := seen(c); len(got) != 1 || got["parent"][0] != b {
			t.Fatalf("c sees %v", got)
		}
		if e := eventsOf(t, s, a, ticket.EventLinked); len(e) != 2 || e[1].Data["type"] != "child" || e[1].Data["ticket_id"] != float64(b) {
			t.Fatalf("a's link events %v", e)
		}

		links := count(t, d, "ticket_links")
		events := count(t, d, "events")
		cases := []struct {
			name  string
			id    int64
			n     ticketlink.NewLink
			kind  apperr.Kind
			field string
		}{
			{"self", a, ticketlink.NewLink{Type: ticketlink.Related, TicketID: a}, apperr.KindUnprocessable, "ticket_id"},
			{"duplicate reversed", a, ticketlink.NewLink{Type: ticketlink.Related, TicketID: b}, apperr.KindConflict, "ticket_id"},
			{"duplicate parent", a, ticketlink.NewLink{Type: ticketlink.Child, TicketID: b}, apperr.KindConflict, "ticket_id"},
			{"second parent", c, ticketlink.NewLink{Type: ticketlink.Parent, TicketID: x}, apperr.KindConflict, "ticket_id"},
			{"two-ticket cycle", a, ticketlink.NewLink{Type: ticketlink.Parent, TicketID: b}, apperr.KindUnprocessable, "ticket_id"},
			{"three-ticket cycle", a, ticketlink.NewLink{Type: ticketlink.Parent, TicketID: c}, apperr.KindUnprocessable, "ticket_id"},
			{"unknown other", a, ticketlink.NewLink{Type: ticketlink.Related, TicketID: 9999}, apperr.KindUnprocessable, "ticket_id"},
			{"unknown ticket", 9999, ticketlink.NewLink{Type: ticketlink.Related, TicketID: a}, apperr.KindNotFound, ""},
			{"unknown type", a, ticketlink.NewLink{Type: "sibling", TicketID: x}, apperr.KindInvalid, "type"},
			{"no other", a, ticketlink.NewLink{Type: ticketlink.Related}, apperr.KindInvalid, "ticket_id"},
		}
		for _, tc := range cases {
			_, err := ls.Add(ctx, tc.id, tc.n)
			if e, ok := apperr.As(err); !ok || e.Kind != tc.kind || e.Field != tc.field {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if count(t, d, "ticket_links") != links || count(t, d, "events") != events {
			t.Fatal("refused links changed the database")
		}

		if err := ls.Remove(ctx, c, rel.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("removing another ticket's link: %v", err)
		}
		if err := ls.Remove(ctx, a, rel.ID); err != nil {
			t.Fatal(err)
		}
		if got := seen(b); len(got["related"]) != 0 || len(eventsOf(t, s, b, ticket.EventUnlinked)) != 1 ||
			len(eventsOf(t, s, a, ticket.EventUnlinked)) != 1 {
			t.Fatalf("after unlinking b sees %v", got)
		}
		if err := ls.Remove(ctx, a, rel.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("removing twice: %v", err)
		}
		if _, err := ls.List(ctx, 9999); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("links of unknown ticket: %v", err)
		}
	})
}

func newTicket(i int, email string) ticket.NewTicket {
	return ticket.NewTicket{Subject: fmt.Sprintf("Printer on fire %d", i),
		Requester: ticket.Requester{Email: email, Name: "Ada"}, Body: "It is on fire.", Channel: "email"}
}

func mustCreate(t *testing.T, s *ticket.Service, n ticket.NewTicket) *ticket.Ticket {
	t.Helper()
	tk, err := s.Create(context.Background(), n)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return tk
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// eventsOf returns the events of a type on a ticket.
func eventsOf(t *testing.T, s *ticket.Service, id int64, typ string) []events.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []events.Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}
