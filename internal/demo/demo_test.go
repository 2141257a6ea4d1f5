package demo_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// jsonField reads a top-level field of events.data in either dialect.
func jsonField(d *db.DB, key string) string {
	if d.Dialect() == db.Postgres {
		return "(e.data::jsonb ->> '" + key + "')"
	}
	return "json_extract(e.data, '$." + key + "')"
}

func TestGenerateMakesALivedInDesk(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
		res, err := demo.Generate(ctx, d, demo.Options{Tickets: 1200, Seed: 7, Users: users})
		if err != nil {
			t.Fatal(err)
		}
		if res.Tickets != 1200 || testutil.Count(t, d, "tickets") != 1200 ||
			testutil.Count(t, d, "messages") != res.Messages || res.Messages < 1200*3 || res.Messages > 1200*6 {
			t.Fatalf("result %+v, %d tickets, %d messages", res, testutil.Count(t, d, "tickets"), testutil.Count(t, d, "messages"))
		}
		// Every status is represented, and every message has its event.
		var statuses, msgEvents int
		if err := d.Read().QueryRow(`SELECT COUNT(DISTINCT status) FROM tickets`).Scan(&statuses); err != nil {
			t.Fatal(err)
		}
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM events WHERE type = 'message.added'`).Scan(&msgEvents); err != nil {
			t.Fatal(err)
		}
		if statuses != 6 || msgEvents != res.Messages {
			t.Fatalf("%d statuses, %d message events for %d messages", statuses, msgEvents, res.Messages)
		}
		// Each message's event names it, on its own ticket; each ticket has
		// its creation event; no outbox rows flood consumers with the past.
		var matched, created int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM events e JOIN messages m
			ON m.id = CAST(` + jsonField(d, "message_id") + ` AS BIGINT) AND m.ticket_id = e.ticket_id
			WHERE e.type = 'message.added'`).Scan(&matched); err != nil {
			t.Fatal(err)
		}
		if err := d.Read().QueryRow(`SELECT COUNT(DISTINCT ticket_id) FROM events WHERE type = 'ticket.created'`).Scan(&created); err != nil {
			t.Fatal(err)
		}
		if matched != res.Messages || created != res.Tickets || testutil.Count(t, d, "outbox") != 0 {
			t.Fatalf("%d message events match their message, %d tickets have a creation event, %d outbox rows",
				matched, created, testutil.Count(t, d, "outbox"))
		}
		// Customers wait on the open tickets whose last word is theirs: the
		// inbox shows and sorts by it (ticket/waiting.go).
		var waiting int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM tickets WHERE waiting_since IS NOT NULL
			AND status IN ('new', 'open')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 0 {
			t.Fatal("no open demo ticket has a waiting customer")
		}
		// The admin can sign in with the printed password.
		if _, err := users.CheckCredentials(ctx, res.AdminEmail, res.Password, "127.0.0.1"); err != nil {
			t.Fatalf("admin sign-in: %v", err)
		}
		// A ticket made afterwards gets a number the demo did not use.
		tk, err := ticket.NewService(d).Create(ctx, ticket.NewTicket{Subject: "After the demo", Body: "Hi",
			Channel: "api", Requester: ticket.Requester{Email: "late@example.com"}})
		if err != nil || tk.Number <= 1200 {
			t.Fatalf("ticket after demo: %v %+v", err, tk)
		}
		if _, err := demo.Generate(ctx, d, demo.Options{Tickets: 10, Users: users}); err == nil {
			t.Fatal("a second demo without Force was allowed")
		}
	})
}
