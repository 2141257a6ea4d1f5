package events

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// A local commit can be read by a round that something else woke (another
// node's NOTIFY, the poll); the round that the commit's own wake-up starts
// then finds nothing new. The other nodes must still be told, or they hear
// of the commit only at their next poll.
func TestLocalCommitReadByAnotherRoundIsStillAnnounced(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		d := testutil.NewPostgres(t)
		ctx := t.Context()
		b := NewBus(d, testutil.Logger(t), Options{Poll: time.Hour})
		notified := listenTo(t, d, b)
		run := &dispatch{bus: b, feed: &liveFeed{}}
		run.round(ctx, wake{poll: true}) // registers and starts the feed

		appendOneEvent(t, d)
		run.round(ctx, wake{})            // woken by another node: reads the event
		run.round(ctx, wake{local: true}) // the commit's own wake-up: nothing new
		select {
		case <-notified:
		case <-time.After(10 * time.Second):
			t.Fatal("the other nodes were never told of the local commit")
		}
	})
}

// listenTo LISTENs on b's channel on a connection of its own and reports
// the first notification.
func listenTo(t *testing.T, d *db.DB, b *Bus) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := b.channel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := d.Write().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	listening := make(chan error, 1)
	notified := make(chan struct{})
	go func() {
		defer conn.Close()
		_ = conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			_, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize())
			listening <- err
			if err != nil {
				return err
			}
			if _, err := pc.WaitForNotification(ctx); err == nil {
				close(notified)
			}
			return nil
		})
	}()
	if err := <-listening; err != nil {
		t.Fatal(err)
	}
	return notified
}

// appendOneEvent commits one event on a new ticket.
func appendOneEvent(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := db.Time(db.Now())
		var cid, tid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, created_at, updated_at)
			VALUES ('C', $1, $1) RETURNING id`, now).Scan(&cid); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO tickets (number, subject, status, priority, channel,
			requester_id, created_at, updated_at) VALUES (1, 's', 'new', 'normal', 'api', $1, $2, $2)
			RETURNING id`, cid, now).Scan(&tid); err != nil {
			return err
		}
		return Append(ctx, tx, &Event{TicketID: tid, Type: "test.announce"})
	})
	if err != nil {
		t.Fatal(err)
	}
}
