package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// TestEffortMigrationBackfills fills a database from before 00034 with a
// ticket's history (a reopen, a reassignment, a portal message, two waits)
// and checks the migration gives its messages channels and the ticket its
// effort figures.
func TestEffortMigrationBackfills(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := openEmpty(t, dialect)
			if err := db.MigrateTo(ctx, d, 33); err != nil {
				t.Fatalf("migrate to 33: %v", err)
			}
			w := d.Write()
			base := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			at := func(min int) any { return db.Time(base.Add(time.Duration(min) * time.Minute)) }
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := w.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'Ada', $1, $1)`, at(0))
			exec(`INSERT INTO tickets (id, number, subject, status, priority, channel, requester_id, created_at, updated_at)
				VALUES (1, 1, 'Boiler', 'open', 'normal', 'portal', 1, $1, $1)`, at(0))
			for _, m := range []struct {
				author string
				min    int
			}{{"customer", 0}, {"agent", 10}, {"customer", 20}, {"customer", 25}, {"agent", 40}, {"customer", 50}} {
				exec(`INSERT INTO messages (ticket_id, kind, author_type, body_text, created_at)
					VALUES (1, 'reply', $1, 'x', $2)`, m.author, at(m.min))
			}
			exec(`INSERT INTO messages (ticket_id, kind, author_type, body_text, created_at) VALUES (1, 'note', 'agent', 'n', $1)`, at(30))
			for _, e := range []string{
				`{"field": "status", "before": "solved", "after": "open"}`,
				`{"field": "assignee_id", "before": null, "after": 5}`,
				`{"field": "assignee_id", "before": 5, "after": 6}`,
			} {
				typ := "ticket.assignee_changed"
				if strings.Contains(e, `"status"`) {
					typ = "ticket.status_changed"
				}
				exec(`INSERT INTO events (ticket_id, type, actor_type, at, data) VALUES (1, $1, 'agent', $2, $3)`, typ, at(15), e)
			}
			if err := db.MigrateTo(ctx, d, 34); err != nil {
				t.Fatalf("migrate to 34: %v", err)
			}
			var channels int
			if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE channel = 'portal'`).Scan(&channels); err != nil || channels != 7 {
				t.Fatalf("%d messages by portal (%v), want all 7", channels, err)
			}
			var contacts, mask, switches, reopens, transfers int
			var waitMS int64
			var started *int64
			err := d.Read().QueryRowContext(ctx, `SELECT contacts, channel_mask, channel_switches, reopens, transfers,
				wait_ms, wait_started_ms FROM ticket_effort WHERE ticket_id = 1`).
				Scan(&contacts, &mask, &switches, &reopens, &transfers, &waitMS, &started)
			if err != nil {
				t.Fatal(err)
			}
			if contacts != 4 || mask != 2 || switches != 0 || reopens != 1 || transfers != 1 || waitMS != 30*60*1000 {
				t.Fatalf("backfilled contacts %d mask %d switches %d reopens %d transfers %d wait %d ms",
					contacts, mask, switches, reopens, transfers, waitMS)
			}
			if want := base.Add(50 * time.Minute).UnixMilli(); started == nil || *started != want {
				t.Fatalf("the open wait started at %v, want %d", started, want)
			}
		})
	}
}
