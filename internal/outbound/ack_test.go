package outbound_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// An address gets at most one acknowledgement per ticket and at most
// outbound.AckPerHour an hour, however many tickets mail in its name opens.
func TestAcknowledgementsAreCapped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		box := &mail.Mailbox{ID: e.box.ID, Address: e.box.Address}
		ack := func(tk *ticket.Ticket) {
			t.Helper()
			err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				return e.out.QueueAck(ctx, tx, box, tk, &ticket.Message{ID: tk.ID}, "x@customer.example")
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		acks := func() int {
			var n int
			d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, outbound.KindAck).Scan(&n)
			return n
		}
		open := func(email string) *ticket.Ticket {
			t.Helper()
			tk, err := e.tickets.Create(e.agent, ticket.NewTicket{Subject: "Help", Body: "Hello", Channel: "email",
				Requester: ticket.Requester{Email: email}})
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		first := open("victim@customer.example")
		ack(first)
		ack(first)
		if n := acks(); n != 1 {
			t.Fatalf("%d acknowledgements of one ticket", n)
		}
		for range outbound.AckPerHour + 2 {
			ack(open("victim@customer.example"))
		}
		if n := acks(); n != outbound.AckPerHour {
			t.Errorf("%d acknowledgements in an hour, want %d", n, outbound.AckPerHour)
		}
		ack(open("other@customer.example"))
		if n := acks(); n != outbound.AckPerHour+1 {
			t.Errorf("another address was capped too: %d", n)
		}
		e.clock.Add(61 * time.Minute)
		ack(open("victim@customer.example"))
		if n := acks(); n != outbound.AckPerHour+2 {
			t.Errorf("an hour later: %d acknowledgements", n)
		}
	})
}
