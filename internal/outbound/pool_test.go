package outbound_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// smallPool is the number of connections the concurrency test allows: far
// fewer than the replies posted at once, so any read the reply hook made
// on a second connection while its transaction held one would starve.
const smallPool = 4

// openSmallPool returns a migrated database on the dialect's engine whose
// pool has smallPool connections.
func openSmallPool(t *testing.T, dialect db.Dialect) *db.DB {
	t.Helper()
	target := testutil.NewSQLiteFile(t)
	if dialect == db.Postgres {
		target = testutil.NewPostgresURL(t)
	}
	d, err := db.Open(context.Background(), target, db.Options{MaxConns: smallPool})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// openMailTicket opens a ticket whose first message came by mail with
// Message-ID rfcID.
func (e *env) openMailTicket(t *testing.T, rfcID string) *ticket.Ticket {
	t.Helper()
	ctx := context.Background()
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: "Printer on fire", Channel: "email",
		Requester: ticket.Requester{Email: "ann@customer.test", Name: "Ann"}, Body: "It smokes."})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := e.tickets.Messages(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	err = mail.InsertRecord(ctx, e.d.Write(), &mail.Record{MessageID: msgs[0].ID, MailboxID: &e.box.ID,
		Direction: "in", RFCMessageID: rfcID, From: "ann@customer.test",
		DeliveryState: mail.StateReceived, CreatedAt: db.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestConcurrentRepliesOnASmallPool posts many agent replies at once on a
// database with a handful of connections: each reply's hook must read the
// mailbox through the reply's own transaction, or the server hangs.
func TestConcurrentRepliesOnASmallPool(t *testing.T) {
	t.Parallel()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, openSmallPool(t, dialect))
			const replies = 32
			tickets := make([]*ticket.Ticket, replies)
			for i := range tickets {
				tickets[i] = e.openMailTicket(t, fmt.Sprintf("first-%d@customer.test", i))
			}
			// A bound so that a deadlock fails the test instead of hanging it.
			ctx, cancel := context.WithTimeout(e.agent, time.Minute)
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, replies)
			for _, tk := range tickets {
				wg.Go(func() {
					_, err := e.tickets.PostMessage(ctx, tk.ID,
						ticket.NewMessage{Body: "On it.", Kind: ticket.KindReply})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("post reply: %v", err)
				}
			}
			var queued int
			err := e.d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, outbound.KindReply).Scan(&queued)
			if err != nil {
				t.Fatal(err)
			}
			if queued != replies {
				t.Errorf("queued reply jobs = %d, want %d", queued, replies)
			}
		})
	}
}
