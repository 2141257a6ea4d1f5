package ticket_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestLinks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		var tk [4]*ticket.Ticket
		for i := range tk {
			tk[i] = mustCreate(t, s, newTicket(i, "ada@example.com"))
		}
		a, b, c, x := tk[0].ID, tk[1].ID, tk[2].ID, tk[3].ID

		rel, err := s.AddLink(ctx, b, ticket.NewLink{Type: ticket.LinkRelated, TicketID: a})
		if err != nil || rel.Type != ticket.LinkRelated || rel.TicketID != a || rel.Number != tk[0].Number {
			t.Fatalf("related: %+v, %v", rel, err)
		}
		// a is the parent of b, asked from either end; b the parent of c.
		if _, err := s.AddLink(ctx, b, ticket.NewLink{Type: ticket.LinkParent, TicketID: a}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLink(ctx, b, ticket.NewLink{Type: ticket.LinkChild, TicketID: c}); err != nil {
			t.Fatal(err)
		}
		seen := func(id int64) map[string][]int64 {
			links, err := s.Links(ctx, id)
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
			n     ticket.NewLink
			kind  apperr.Kind
			field string
		}{
			{"self", a, ticket.NewLink{Type: ticket.LinkRelated, TicketID: a}, apperr.KindUnprocessable, "ticket_id"},
			{"duplicate reversed", a, ticket.NewLink{Type: ticket.LinkRelated, TicketID: b}, apperr.KindConflict, "ticket_id"},
			{"duplicate parent", a, ticket.NewLink{Type: ticket.LinkChild, TicketID: b}, apperr.KindConflict, "ticket_id"},
			{"second parent", c, ticket.NewLink{Type: ticket.LinkParent, TicketID: x}, apperr.KindConflict, "ticket_id"},
			{"two-ticket cycle", a, ticket.NewLink{Type: ticket.LinkParent, TicketID: b}, apperr.KindUnprocessable, "ticket_id"},
			{"three-ticket cycle", a, ticket.NewLink{Type: ticket.LinkParent, TicketID: c}, apperr.KindUnprocessable, "ticket_id"},
			{"unknown other", a, ticket.NewLink{Type: ticket.LinkRelated, TicketID: 9999}, apperr.KindUnprocessable, "ticket_id"},
			{"unknown ticket", 9999, ticket.NewLink{Type: ticket.LinkRelated, TicketID: a}, apperr.KindNotFound, ""},
			{"unknown type", a, ticket.NewLink{Type: "sibling", TicketID: x}, apperr.KindInvalid, "type"},
			{"no other", a, ticket.NewLink{Type: ticket.LinkRelated}, apperr.KindInvalid, "ticket_id"},
		}
		for _, tc := range cases {
			_, err := s.AddLink(ctx, tc.id, tc.n)
			if e, ok := apperr.As(err); !ok || e.Kind != tc.kind || e.Field != tc.field {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if count(t, d, "ticket_links") != links || count(t, d, "events") != events {
			t.Fatal("refused links changed the database")
		}

		if err := s.RemoveLink(ctx, c, rel.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("removing another ticket's link: %v", err)
		}
		if err := s.RemoveLink(ctx, a, rel.ID); err != nil {
			t.Fatal(err)
		}
		if got := seen(b); len(got["related"]) != 0 || len(eventsOf(t, s, b, ticket.EventUnlinked)) != 1 ||
			len(eventsOf(t, s, a, ticket.EventUnlinked)) != 1 {
			t.Fatalf("after unlinking b sees %v", got)
		}
		if err := s.RemoveLink(ctx, a, rel.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("removing twice: %v", err)
		}
		if _, err := s.Links(ctx, 9999); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("links of unknown ticket: %v", err)
		}
	})
}
