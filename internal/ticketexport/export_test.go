package ticketexport_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticketexport"
)

// bulkNumber is where bulkTickets numbers from, far from the numbers Create
// hands out (a multiple of 6, so number%2 and number%3 follow i).
const bulkNumber = 600_000

// bulkTickets stores n tickets in one transaction, faster than n Creates,
// alternating between two requesters; every third is tagged "third". Their
// updated_at times are one millisecond apart, the last one newest.
func bulkTickets(t *testing.T, d *db.DB, n int) (emails [2]string) {
	t.Helper()
	base := db.Now().Add(-time.Hour)
	err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		var requesters [2]int64
		for i := range requesters {
			emails[i] = fmt.Sprintf("bulk%d@example.com", i)
			if err := tx.QueryRow(`INSERT INTO customers (name, created_at, updated_at) VALUES ('Bulk', $1, $1)
				RETURNING id`, db.Time(base)).Scan(&requesters[i]); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO customer_identities (customer_id, kind, value, created_at)
				VALUES ($1, 'email', $2, $3)`, requesters[i], emails[i], db.Time(base)); err != nil {
				return err
			}
		}
		for i := 1; i <= n; i++ {
			var id int64
			at := db.Time(base.Add(time.Duration(i) * time.Millisecond))
			if err := tx.QueryRow(`INSERT INTO tickets (number, subject, status, priority, channel, requester_id,
				created_at, updated_at) VALUES ($1, $2, 'new', 'normal', 'email', $3, $4, $4) RETURNING id`,
				bulkNumber+i, fmt.Sprintf("Bulk %d", i), requesters[i%2], at).Scan(&id); err != nil {
				return err
			}
			if i%3 == 0 {
				if _, err := tx.Exec(`INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, 'third')`, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return emails
}

func TestExportIteratesEveryTicketOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		const total = 2*ticket.MaxLimit + 37
		emails := bulkTickets(t, d, total)
		s := ticket.NewService(d)
		x := ticketexport.New(d, s)
		ctx, agentID := agentCtx(t, d)

		seen := map[int64]bool{}
		pages := 0
		var last *ticket.Ticket
		for rows, err := range x.Tickets(ctx, ticket.Filter{Cursor: "ignored", Limit: 3}) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if pages == 1 {
				// A ticket already written that changes moves ahead of
				// the export: it must not come again.
				if _, err := s.Update(ctx, rows[0].ID, ticket.Patch{AssigneeID: ticket.SetID(&agentID)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, row := range rows {
				if seen[row.ID] {
					t.Fatalf("ticket %d exported twice", row.ID)
				}
				seen[row.ID] = true
				if want := emails[row.Number%2]; row.RequesterEmail != want {
					t.Fatalf("ticket %d: requester email %q, want %q", row.Number, row.RequesterEmail, want)
				}
				if last != nil && row.UpdatedAt.After(last.UpdatedAt) {
					t.Fatalf("not in listing order: %v after %v", row.UpdatedAt, last.UpdatedAt)
				}
				last = row.Ticket
			}
		}
		if len(seen) != total || pages != 3 {
			t.Fatalf("%d tickets in %d pages, want %d in 3", len(seen), pages, total)
		}

		n := 0
		for rows, err := range x.Tickets(ctx, ticket.Filter{Tag: "third"}) {
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				if row.Number%3 != 0 || len(row.Tags) != 1 {
					t.Fatalf("filtered export has %+v", row.Ticket)
				}
				n++
			}
		}
		if n != total/3 {
			t.Fatalf("%d tagged, want %d", n, total/3)
		}
	})
}

func TestExportStopsEarlyAndReportsBadFilters(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		bulkTickets(t, d, ticket.MaxLimit+1)
		s := ticketexport.New(d, ticket.NewService(d))
		pages := 0
		for _, err := range s.Tickets(context.Background(), ticket.Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			break
		}
		if pages != 1 {
			t.Fatalf("%d pages after break", pages)
		}
		for rows, err := range s.Tickets(context.Background(), ticket.Filter{Status: "bogus"}) {
			if e, ok := apperr.As(err); !ok || e.Field != "status" || rows != nil {
				t.Fatalf("bad status: %v, %d rows", err, len(rows))
			}
		}
		for _, err := range s.Tickets(context.Background(), ticket.Filter{Tag: "nothing-has-this"}) {
			t.Fatalf("an empty export yielded (err %v)", err)
		}
	})
}

// agentCtx adds an agent and returns a context acting as them.
func agentCtx(t *testing.T, d *db.DB) (context.Context, int64) {
	t.Helper()
	var id int64
	now := db.Time(db.Now())
	err := d.Write().QueryRow(`INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES ('exporter@example.com', 'Agent', 'agent', $1, $1) RETURNING id`, now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return audit.WithActor(context.Background(), audit.Actor{UserID: id, Label: "agent"}), id
}
