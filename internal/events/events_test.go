package events_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// newTicket inserts the least a ticket needs, so events have a ticket to
// belong to without depending on the ticket package.
func newTicket(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := db.Time(db.Now())
		var cid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, created_at, updated_at)
			VALUES ('C', $1, $1) RETURNING id`, now).Scan(&cid); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO tickets (number, subject, status, priority, channel,
			requester_id, created_at, updated_at) SELECT COALESCE(MAX(number), 0) + 1, 's', 'new', 'normal', 'api', $1, $2, $2
			FROM tickets RETURNING id`, cid, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAppendWritesEventAndOutboxTogether(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ticketID := newTicket(t, d)
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 0, Label: "system"})
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: "a",
				Data: events.Change("status", "new", "open")}); err != nil {
				return err
			}
			return events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: "b"})
		})
		if err != nil {
			t.Fatal(err)
		}
		rollback := errors.New("roll back")
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: "c"}); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("err = %v", err)
		}
		if n, m := count(t, d, "events"), count(t, d, "outbox"); n != 2 || m != 2 {
			t.Fatalf("%d events and %d outbox rows, want 2 and 2", n, m)
		}
		got, err := events.List(ctx, d.Read(), ticketID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Type != "a" || got[1].Type != "b" {
			t.Fatalf("events %+v", got)
		}
		e := got[0]
		if e.ActorType != events.ActorSystem || e.ActorID != nil || e.At.IsZero() {
			t.Fatalf("actor or time wrong: %+v", e)
		}
		if e.Data["before"] != "new" || e.Data["after"] != "open" || e.Data["field"] != "status" {
			t.Fatalf("data %v", e.Data)
		}
	})
}
