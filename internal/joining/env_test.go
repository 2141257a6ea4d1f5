package joining_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// env is a mail intake with the joining rules over a real database.
type env struct {
	t       *testing.T
	d       *db.DB
	tickets *ticket.Service
	files   *attachment.Service
	joins   *joining.Service
	intake  *mail.Intake
	box     *mail.Mailbox

	mu       sync.Mutex
	joinAcks []int64 // messages acknowledged as joined
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, tickets: ticket.NewService(d)}
	st := settings.NewStore(d)
	e.files = attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), st)
	e.joins = joining.New(d, e.tickets)
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mailbox.NewService(d, box).Create(context.Background(), mailbox.NewMailbox{Address: "support@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	e.box = &mail.Mailbox{ID: m.ID, Address: m.Address}
	e.intake = mail.NewIntake(d, e.tickets, e.files, nil, mail.Options{PerMinute: -1, Joiner: e.joins,
		JoinAck: func(_ context.Context, _ *sql.Tx, _ *mail.Mailbox, _ *ticket.Ticket, m *ticket.Message, _ string) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.joinAcks = append(e.joinAcks, m.ID)
			return nil
		}}, testutil.Logger(t))
	return e
}

var idSeq atomic.Int64

// newMail is a mail without thread headers unless headers adds some.
func newMail(from, subject, body string, headers ...string) string {
	h := strings.Join(headers, "\r\n")
	if h != "" {
		h += "\r\n"
	}
	return fmt.Sprintf("From: %s\r\nTo: support@example.com\r\nSubject: %s\r\nMessage-ID: <j%d@client.example>\r\n%s"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", from, subject, idSeq.Add(1), h, body)
}

func (e *env) deliver(raw string) *mail.Result {
	e.t.Helper()
	res, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, Raw: []byte(raw)})
	if err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	return res
}

func (e *env) ticket(id int64) *ticket.Ticket {
	e.t.Helper()
	tk, err := e.tickets.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

func (e *env) messages(id int64) int {
	e.t.Helper()
	ms, err := e.tickets.Messages(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(ms)
}

// events returns the ticket's events of the given types.
func (e *env) events(id int64, types ...string) []events.Event {
	e.t.Helper()
	evs, err := e.tickets.Events(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []events.Event
	for _, ev := range evs {
		for _, typ := range types {
			if ev.Type == typ {
				out = append(out, ev)
			}
		}
	}
	return out
}

// age moves a ticket's last update back by d, as if time had passed.
func (e *env) age(id int64, d time.Duration) {
	e.t.Helper()
	if _, err := e.d.Write().Exec(`UPDATE tickets SET updated_at = $1 WHERE id = $2`, db.Time(db.Now().Add(-d)), id); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) suggestions(id int64) []joining.Suggestion {
	e.t.Helper()
	s, err := e.joins.Suggestions(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) acks() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.joinAcks)
}

func ticketReceived(customerID int64, subject, channel string) ticket.Received {
	return ticket.Received{CustomerID: customerID, Subject: subject, Body: "Help, please.", Channel: channel}
}
