package ticket_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// An agent opens tickets for a caller and a visitor: the channels the
// schema gained take them, the first message is the agent's, a note runs
// the hooks without being a reply, and a reply needs an address to go to.
func TestOpenForACustomer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx, agentID := agentCtx(t, d)
		s := ticket.NewService(d)
		var hooked []string
		s.OnMessage(func(_ context.Context, _ *sql.Tx, _ *ticket.Ticket, m *ticket.Message) error {
			hooked = append(hooked, m.Kind)
			return nil
		})
		cs := customer.NewService(d)
		caller, err := cs.Create(ctx, customer.NewCustomer{Name: "Caller",
			Identities: []customer.NewIdentity{{Kind: "phone", Value: "+44 20 7946 0958"}}})
		if err != nil {
			t.Fatal(err)
		}
		tk, m, err := s.Open(ctx, ticket.Opening{CustomerID: caller.ID, Subject: "Called about a refund",
			Channel: "walk_in", Message: ticket.NewMessage{Body: "Came to the desk.", Kind: ticket.KindNote}})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != "walk_in" || tk.Status != "open" || tk.RequesterID != caller.ID || tk.FirstReplyAt != nil ||
			m.AuthorID == nil || *m.AuthorID != agentID || m.Kind != ticket.KindNote {
			t.Fatalf("opened %+v with %+v", tk, m)
		}
		_, _, err = s.Open(ctx, ticket.Opening{CustomerID: caller.ID, Subject: "Hi", Channel: "phone",
			Message: ticket.NewMessage{Body: "Sending you the form.", Kind: ticket.KindReply}})
		if e, ok := apperr.As(err); !ok || e.Field != "kind" {
			t.Fatalf("a reply to a customer without email: %v", err)
		}
		ada, err := cs.Create(ctx, customer.NewCustomer{Email: "ada@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		tk, _, err = s.Open(ctx, ticket.Opening{CustomerID: ada.ID, Subject: "Your call", Channel: "other",
			Message: ticket.NewMessage{Body: "As promised on the phone.", Kind: ticket.KindReply}})
		if err != nil || tk.FirstReplyAt == nil {
			t.Fatalf("reply: %+v, %v", tk, err)
		}
		if len(hooked) != 2 || hooked[1] != ticket.KindReply {
			t.Fatalf("hooks ran for %v", hooked)
		}
		bad := []struct {
			o     ticket.Opening
			field string
		}{
			{ticket.Opening{CustomerID: ada.ID, Subject: "x", Channel: "email", Message: ticket.NewMessage{Body: "b", Kind: "note"}}, "channel"},
			{ticket.Opening{CustomerID: ada.ID, Subject: " ", Channel: "phone", Message: ticket.NewMessage{Body: "b", Kind: "note"}}, "subject"},
			{ticket.Opening{CustomerID: ada.ID, Subject: "x", Channel: "phone", Message: ticket.NewMessage{Body: " ", Kind: "note"}}, "body"},
			{ticket.Opening{CustomerID: ada.ID, Subject: "x", Channel: "phone", Message: ticket.NewMessage{Body: "b", Kind: "memo"}}, "kind"},
			{ticket.Opening{CustomerID: 0, Subject: "x", Channel: "phone", Message: ticket.NewMessage{Body: "b", Kind: "note"}}, "customer_id"},
			{ticket.Opening{CustomerID: 999999, Subject: "x", Channel: "phone", Message: ticket.NewMessage{Body: "b", Kind: "note"}}, "customer_id"},
		}
		for _, b := range bad {
			if _, _, err := s.Open(ctx, b.o); !kindIsInput(err) || fieldOf(err) != b.field {
				t.Errorf("%+v: %v, want an error on %s", b.o, err, b.field)
			}
		}
		if _, _, err := s.Open(context.Background(), ticket.Opening{CustomerID: ada.ID, Subject: "x", Channel: "phone",
			Message: ticket.NewMessage{Body: "b", Kind: "note"}}); !apperr.Is(err, apperr.KindUnauthorized) {
			t.Fatalf("without an agent: %v", err)
		}
		if n := count(t, d, "tickets"); n != 2 {
			t.Fatalf("%d tickets, want 2", n)
		}
	})
}

func kindIsInput(err error) bool {
	return apperr.Is(err, apperr.KindInvalid) || apperr.Is(err, apperr.KindUnprocessable)
}

func fieldOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Field
	}
	return ""
}
