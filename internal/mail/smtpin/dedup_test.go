package smtpin_test

import (
	"context"
	"database/sql"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Through the listener: a mail sent twice is stored once, and two
// different mails under one Message-ID are both stored (250 each time),
// NULs and bad bytes included.
func TestSameIDDifferentMailsAreBothStored(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		l := start(t, d, mail.Options{}, nil)
		send := func(from, raw string) {
			t.Helper()
			err := smtp.SendMail(l.addr, nil, from, []string{"support@example.com"}, []byte(raw))
			if code(err) != 250 {
				t.Fatalf("send: %v", err)
			}
		}
		mailOf := func(from, body string) string {
			return "From: " + from + "\r\nTo: support@example.com\r\nSubject: Order 1042\r\n" +
				"Message-ID: <same@client.test>\r\n\r\n" + body + "\r\n"
		}
		ann := mailOf("ann@customer.example", "Where is my order?")
		send("ann@customer.example", ann)
		send("ann@customer.example", "Received: from retry.example by mx.test\r\n"+ann)
		send("mallory@evil.example", mailOf("mallory@evil.example", "Cancel Ann's order\x00 \xff"))
		page, err := l.tickets.List(context.Background(), ticket.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if testutil.Count(t, d, "email_messages") != 2 || len(page.Tickets) != 2 {
			t.Fatalf("%d mails stored on %d tickets, want 2 on 2", testutil.Count(t, d, "email_messages"), len(page.Tickets))
		}
		var bodies []string
		for _, tk := range page.Tickets {
			ms, err := l.tickets.Messages(context.Background(), tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, ms[0].Body)
		}
		all := strings.Join(bodies, "|")
		if !strings.Contains(all, "Where is my order?") || !strings.Contains(all, "Cancel Ann's order ") ||
			!utf8.ValidString(all) || strings.ContainsRune(all, 0) {
			t.Errorf("bodies %q", all)
		}
	})
}

// Mail with an empty envelope sender (MAIL FROM:<>) is stored but never
// acknowledged (RFC 3834), even when its headers look like a person's.
func TestNullSenderIsNotAcknowledged(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		acks := 0
		ack := func(context.Context, *sql.Tx, *mail.Mailbox, *ticket.Ticket, *ticket.Message, string) error {
			mu.Lock()
			defer mu.Unlock()
			acks++
			return nil
		}
		l := start(t, d, mail.Options{Ack: ack}, nil)
		for _, from := range []string{"", "ann@customer.example"} {
			err := smtp.SendMail(l.addr, nil, from, []string{"support@example.com"},
				message("Ann <ann@customer.example>", "Question from "+from, "Hello"))
			if code(err) != 250 {
				t.Fatalf("send from %q: %v", from, err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if testutil.Count(t, d, "tickets") != 2 || acks != 1 {
			t.Errorf("%d tickets, %d acknowledgements; want 2 and 1", testutil.Count(t, d, "tickets"), acks)
		}
	})
}
