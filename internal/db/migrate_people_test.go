package db_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestPeopleMigrationRoundTrip checks that 00022, which rebuilds the
// notifications table on SQLite so that a reminder needs no ticket, keeps
// the ticket notifications both ways, and that going down drops only the
// reminders (the older table cannot hold them).
func TestPeopleMigrationRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		agent := testutil.NewUser(t, d, "agent")
		tk, err := ticket.NewService(d).Create(testutil.As(agent), ticket.NewTicket{Subject: "Hi", Body: "Hello",
			Channel: "api", Requester: ticket.Requester{Email: "ada@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		w := d.Write()
		if _, err := w.Exec(`INSERT INTO notifications (recipient_id, kind, ticket_id, event_id, created_at)
			VALUES ($1, 'assigned', $2, 1, $3)`, agent, tk.ID, db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		remind := func() {
			t.Helper()
			err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				_, err := notify.Remind(ctx, tx, notify.Reminder{RecipientID: agent, Source: "test:1", Link: "/x", Note: "Due"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		remind()
		kinds := func() map[string]int {
			t.Helper()
			rows, err := d.Read().Query(`SELECT kind, COUNT(*) FROM notifications GROUP BY kind`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var k string
				var n int
				rows.Scan(&k, &n)
				out[k] = n
			}
			return out
		}
		if k := kinds(); k["assigned"] != 1 || k["follow_up"] != 1 {
			t.Fatalf("before: %v", k)
		}
		if err := db.MigrateTo(ctx, d, 21); err != nil {
			t.Fatalf("down to 21: %v", err)
		}
		if k := kinds(); k["assigned"] != 1 || k["follow_up"] != 0 {
			t.Fatalf("after going down: %v", k)
		}
		if err := db.MigrateTo(ctx, d, 22); err != nil {
			t.Fatalf("up to 22: %v", err)
		}
		remind()
		remind() // once per source and recipient
		if k := kinds(); k["assigned"] != 1 || k["follow_up"] != 1 {
			t.Fatalf("after going up again: %v", k)
		}
	})
}
