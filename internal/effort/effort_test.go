package effort_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestCheckLogged(t *testing.T) {
	for _, tc := range []struct {
		author, kind, channel, field string
	}{
		{"", "reply", "", ""},
		{"agent", "note", "phone", ""},
		{"customer", "reply", "phone", ""},
		{"customer", "reply", "walk_in", ""},
		{"customer", "reply", "chat", ""},
		{"", "reply", "fax", "channel"},
		{"customer", "reply", "email", "channel"},
		{"customer", "reply", "web_form", "channel"},
		{"customer", "reply", "", "channel"},
		{"customer", "note", "phone", "kind"},
		{"robot", "reply", "phone", "author"},
	} {
		err := effort.CheckLogged(tc.author, tc.kind, tc.channel)
		e, ok := apperr.As(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%+v: %v", tc, err)
		case tc.field != "" && (!ok || e.Kind != apperr.KindInvalid || e.Field != tc.field):
			t.Errorf("%+v: %v, want invalid %s", tc, err, tc.field)
		}
	}
}

// TestRunningWaitCountsUntilRead: a wait nobody answered yet counts up to
// the moment it is read, for the ticket and in the customer's sum, and
// stops counting when the ticket is solved.
func TestRunningWaitCountsUntilRead(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		base := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
		var ticketID, customerID int64
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, created_at, updated_at) VALUES ('Ada', $1, $1)
				RETURNING id`, db.Time(base)).Scan(&customerID); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO tickets (number, subject, status, priority, channel, requester_id,
				created_at, updated_at) VALUES (1, 'Wait', 'open', 'normal', 'chat', $1, $2, $2) RETURNING id`,
				customerID, db.Time(base)).Scan(&ticketID); err != nil {
				return err
			}
			if err := effort.Start(ctx, tx, effort.State{TicketID: ticketID, Status: "open", At: base}, nil); err != nil {
				return err
			}
			return effort.Noted(ctx, tx, effort.Message{TicketID: ticketID, Kind: "reply", AuthorType: "customer",
				Channel: "chat", At: base}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		read := base.Add(90 * time.Second)
		got, err := effort.ForTicketsAt(ctx, d.Reader(ctx), []int64{ticketID}, read)
		if err != nil || got[ticketID].CustomerWaitSeconds != 90 || got[ticketID].Contacts != 1 {
			t.Fatalf("ticket read 90 s into the wait: %+v, %v", got[ticketID], err)
		}
		sum, err := effort.ForCustomerAt(ctx, d.Reader(ctx), customerID, read)
		if err != nil || sum.CustomerWaitSeconds != 90 || len(sum.Channels) != 1 || sum.Channels[0] != "chat" {
			t.Fatalf("customer read 90 s into the wait: %+v, %v", sum, err)
		}
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			return effort.Saved(ctx, tx, effort.State{TicketID: ticketID, Status: "solved", At: base.Add(time.Minute)}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		later := base.Add(time.Hour)
		if got, err = effort.ForTicketsAt(ctx, d.Reader(ctx), []int64{ticketID}, later); err != nil || got[ticketID].CustomerWaitSeconds != 60 {
			t.Fatalf("after a solve at one minute: %+v, %v", got[ticketID], err)
		}
		if sum, err = effort.ForCustomerAt(ctx, d.Reader(ctx), customerID, later); err != nil || sum.CustomerWaitSeconds != 60 {
			t.Fatalf("the customer's sum after the solve: %+v, %v", sum, err)
		}
	})
}
