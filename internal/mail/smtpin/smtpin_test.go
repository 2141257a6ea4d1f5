package smtpin_test

import (
	"context"
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mail/smtpin"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

type directory map[string]*mail.Mailbox

func (d directory) Lookup(_ context.Context, addr string) (*mail.Mailbox, error) {
	if b, ok := d[addr]; ok {
		return b, nil
	}
	return nil, apperr.NotFound("mailbox")
}

// failing stores nothing and fails, as a crash before the commit would.
type failing struct{ *mail.Intake }

func (failing) Deliver(context.Context, mail.Delivery) (*mail.Result, error) {
	return nil, errors.New("database went away")
}

type listener struct {
	addr    string
	tickets *ticket.Service
}

func start(t *testing.T, d *db.DB, opts mail.Options, wrap func(*mail.Intake) smtpin.Deliverer) *listener {
	t.Helper()
	st := settings.NewStore(d)
	limit := int64(4 << 10)
	if _, err := st.Update(context.Background(), settings.Patch{AttachmentMaxBytes: &limit}); err != nil {
		t.Fatal(err)
	}
	tickets := ticket.NewService(d)
	files := attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), st)
	box := &mail.Mailbox{ID: insertMailbox(t, d, "support@example.com"), Address: "support@example.com"}
	dir := directory{box.Address: box}
	intake := mail.NewIntake(d, tickets, files, dir, opts, testutil.Logger(t))
	var deliverer smtpin.Deliverer = intake
	if wrap != nil {
		deliverer = wrap(intake)
	}
	s, err := smtpin.Listen(smtpin.Config{Addr: "127.0.0.1:0", Domain: "mx.test"}, dir, deliverer, testutil.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return &listener{addr: s.Addr().String(), tickets: tickets}
}

func message(from, subject, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: support@example.com\r\nSubject: %s\r\nMessage-ID: <%s@client.test>\r\n\r\n%s\r\n",
		from, subject, strings.ReplaceAll(subject, " ", "."), body))
}

// code returns the SMTP reply code of err, or 250 for none.
func code(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	if err != nil {
		return -1
	}
	return 250
}

func TestListener(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		l := start(t, d, mail.Options{PerMinute: 2}, nil)

		// A stock client's mail becomes a ticket, committed before 250.
		err := smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"support@example.com"},
			message("Ann <ann@customer.example>", "Printer broken", "It jams."))
		if code(err) != 250 {
			t.Fatalf("send: %v", err)
		}
		page, err := l.tickets.List(context.Background(), ticket.Filter{})
		if err != nil || len(page.Tickets) != 1 || page.Tickets[0].Subject != "Printer broken" {
			t.Fatalf("tickets %+v, %v", page, err)
		}

		// The same mail again (a retry after a lost 250) is stored once.
		err = smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"support@example.com"},
			message("Ann <ann@customer.example>", "Printer broken", "It jams."))
		if code(err) != 250 || testutil.Count(t, d, "tickets") != 1 {
			t.Errorf("retry: %v, %d tickets", err, testutil.Count(t, d, "tickets"))
		}

		// Unknown recipient: 550.
		err = smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"nobody@example.com"},
			message("ann@customer.example", "x", "y"))
		if code(err) != 550 {
			t.Errorf("unknown recipient: %v", err)
		}

		// Over the size limit: 552, nothing stored.
		big := message("ann@customer.example", "big", strings.Repeat("0123456789\r\n", 600))
		err = smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"support@example.com"}, big)
		if code(err) != 552 {
			t.Errorf("too large: %v", err)
		}

		// A third mail within the minute from the same sender: 451.
		err = smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"support@example.com"},
			message("ann@customer.example", "second", "y"))
		if code(err) != 250 {
			t.Errorf("second: %v", err)
		}
		err = smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"support@example.com"},
			message("ann@customer.example", "third", "y"))
		if code(err) != 451 {
			t.Errorf("throttled: %v", err)
		}
		if n := testutil.Count(t, d, "tickets"); n != 2 {
			t.Errorf("%d tickets", n)
		}
	})
}

// When the intake fails (a crash before the commit), the sender gets a
// temporary failure, so it keeps the mail and retries, and nothing is
// stored.
func TestFailureBeforeCommitIsTemporary(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		l := start(t, d, mail.Options{}, func(in *mail.Intake) smtpin.Deliverer { return failing{in} })
		err := smtp.SendMail(l.addr, nil, "ann@customer.example", []string{"support@example.com"},
			message("ann@customer.example", "lost?", "no"))
		if c := code(err); c < 400 || c >= 500 {
			t.Fatalf("reply %v, want 4xx", err)
		}
		if testutil.Count(t, d, "messages") != 0 || testutil.Count(t, d, "email_messages") != 0 {
			t.Error("something was stored")
		}
	})
}

func insertMailbox(t *testing.T, d *db.DB, addr string) int64 {
	t.Helper()
	var id int64
	err := d.Write().QueryRow(`INSERT INTO mailboxes (address) VALUES ($1) RETURNING id`, addr).Scan(&id)
	if err != nil {
		t.Fatalf("insert mailbox: %v", err)
	}
	return id
}
