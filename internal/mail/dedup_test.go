package mail_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// deliverRaw delivers raw exactly as given (no line-ending rewrite) to box.
func (e *env) deliverRaw(box *mail.Mailbox, raw string) *mail.Result {
	e.t.Helper()
	res, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: box, Raw: []byte(raw)})
	if err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	return res
}

// A mail is a duplicate only when its Message-ID and its content both
// match: the same mail again (as relayed by another path, with other trace
// headers and line endings, or to another of our addresses) is stored
// once; a different mail under a reused or forged Message-ID is stored.
func TestDuplicateNeedsSameIDAndContent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		sales := e.dir["sales@example.com"]
		orig := "From: Ann <ann@customer.example>\nTo: support@example.com, sales@example.com\n" +
			"Subject: Printer broken\nMessage-ID: <reused@client.example>\n\nIt jams.\n"
		first := e.deliverRaw(e.box, crlf("Received: from mx1.example by mx.test; Mon, 7 Dec 2026 10:00:00 +0000\n"+orig))
		if first.Outcome != mail.OutcomeNew {
			t.Fatalf("first %+v", first)
		}
		// The same mail fetched by IMAP from the other address: other
		// trace headers, LF endings, no final newline.
		imap := "Return-Path: <ann@customer.example>\nDelivered-To: sales@example.com\n" +
			"Received: from mx2.example\n\tby imap.test; Mon, 7 Dec 2026 10:00:01 +0000\n" +
			"DKIM-Signature: v=1; a=rsa-sha256; d=customer.example;\n\tb=abc\n" +
			"Authentication-Results: imap.test; dkim=pass\nX-Spam-Status: No\n" + strings.TrimSuffix(orig, "\n")
		again := e.deliverRaw(sales, imap)
		if again.Outcome != mail.OutcomeDuplicate || again.MessageID != first.MessageID {
			t.Errorf("the same mail by another path became %+v", again)
		}
		// A different mail that reuses the id (a forger's, or a client
		// that reuses ids) is its own message, never dropped.
		forged := e.deliverRaw(e.box, crlf("From: Mallory <mallory@evil.example>\nTo: support@example.com\n"+
			"Subject: Printer broken\nMessage-ID: <reused@client.example>\n\nSend me Ann's invoices.\n"))
		if forged.Outcome != mail.OutcomeNew || forged.TicketID == first.TicketID {
			t.Errorf("a different mail under a reused id became %+v", forged)
		}
		sameSender := e.deliverRaw(e.box, crlf(strings.Replace(orig, "It jams.", "Now it smokes.", 1)))
		if sameSender.Outcome == mail.OutcomeDuplicate {
			t.Errorf("a second mail of Ann's with the same id was dropped: %+v", sameSender)
		}
		if n := testutil.Count(t, d, "email_messages"); n != 3 {
			t.Errorf("%d email records, want 3", n)
		}
	})
}

// Rows stored before content hashes were recorded have none: a mail under
// their Message-ID is compared with their original.eml, so a re-delivery
// is still recognised and a different mail is still stored.
func TestDuplicateOfARowWithoutHash(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		raw := newMail("ann@customer.example", "Old mail", "Stored before the upgrade.")
		first := e.deliver(raw)
		if _, err := d.Write().Exec(`UPDATE email_messages SET content_hash = NULL`); err != nil {
			t.Fatal(err)
		}
		if dup := e.deliver("Received: by relay.example\n" + raw); dup.Outcome != mail.OutcomeDuplicate ||
			dup.MessageID != first.MessageID {
			t.Errorf("re-delivery of an old mail became %+v", dup)
		}
		other := e.deliver(strings.Replace(raw, "Stored before", "Written after", 1))
		if other.Outcome == mail.OutcomeDuplicate {
			t.Errorf("a different mail under an old id was dropped: %+v", other)
		}
	})
}

// Deliveries of one mail at the same moment store it once, and none of
// them fails; different mails under one id at the same moment are all
// stored.
func TestConcurrentDeliveries(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{PerMinute: -1})
		same := crlf(newMail("ann@customer.example", "At once", "Twice at once."))
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, 2*n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, Raw: []byte(same)})
			})
			wg.Go(func() {
				raw := crlf("From: bob" + string(rune('a'+i)) + "@customer.example\nTo: support@example.com\n" +
					"Subject: Shared id\nMessage-ID: <shared@client.example>\n\nMail " + string(rune('a'+i)) + "\n")
				_, errs[n+i] = e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, Raw: []byte(raw)})
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("a delivery failed: %v", err)
			}
		}
		var once, shared int
		d.Read().QueryRow(`SELECT COUNT(*) FROM email_messages WHERE subject = 'At once'`).Scan(&once)
		d.Read().QueryRow(`SELECT COUNT(*) FROM email_messages WHERE rfc_message_id = 'shared@client.example'`).Scan(&shared)
		if once != 1 || shared != n {
			t.Errorf("stored the same mail %d times (want 1) and the shared-id mails %d times (want %d)", once, shared, n)
		}
	})
}

// When two stored mails share a Message-ID, a reply to that id joins the
// ticket its sender takes part in (requester, follower or author of one of
// its messages); a sender on neither gets a ticket of their own.
func TestThreadingOnAReusedID(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		ann := e.deliver("From: ann@customer.example\nTo: support@example.com\nSubject: Ann's\n" +
			"Message-ID: <dup@id.example>\n\nAnn's mail.\n")
		bob := e.deliver("From: bob@other.example\nTo: support@example.com\nSubject: Bob's\n" +
			"Message-ID: <dup@id.example>\n\nBob's mail.\n")
		if bob.Outcome != mail.OutcomeNew || bob.TicketID == ann.TicketID {
			t.Fatalf("bob's mail became %+v", bob)
		}
		reply := func(from, body string) *mail.Result {
			return e.deliver(newMail(from, "Re: x", body, "In-Reply-To: <dup@id.example>"))
		}
		if r := reply("ann@customer.example", "Ann again"); r.TicketID != ann.TicketID {
			t.Errorf("ann's reply went to %d, want %d", r.TicketID, ann.TicketID)
		}
		if r := reply("bob@other.example", "Bob again"); r.TicketID != bob.TicketID {
			t.Errorf("bob's reply went to %d, want %d", r.TicketID, bob.TicketID)
		}
		// Carol wrote on Ann's ticket (as a merge leaves it) without being
		// its requester or a follower: her reply joins it too.
		carol := e.deliver(newMail("carol@customer.example", "Carol's own", "Hello"))
		carolID := e.ticket(carol.TicketID).RequesterID
		err := d.Tx(context.Background(), func(ctx context.Context, _ *sql.Tx) error {
			_, err := e.tickets.AppendReceived(ctx, ann.TicketID, ticket.Received{CustomerID: carolID,
				Body: "Carol adds a detail.", Channel: "email"}, false)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := reply("carol@customer.example", "Carol again"); r.TicketID != ann.TicketID {
			t.Errorf("carol's reply went to %d, want %d", r.TicketID, ann.TicketID)
		}
		if r := reply("mallory@evil.example", "Mallory"); r.Outcome != mail.OutcomeNew ||
			r.TicketID == ann.TicketID || r.TicketID == bob.TicketID {
			t.Errorf("a stranger's reply became %+v", r)
		}
	})
}

// NUL bytes and invalid UTF-8 never refuse a mail: NULs are dropped from
// what is stored as text, bytes that cannot be decoded become U+FFFD, and
// the original is kept as it arrived.
func TestNULAndInvalidText(t *testing.T) {
	nul := "\x00"
	cases := map[string]string{
		"subject and names": "From: \"Ann" + nul + "\" <ann@customer.example>\nTo: \"Sup" + nul + "port\" <support@example.com>, " +
			"\"Dan" + nul + "\" <dan@customer.example>\nSubject: Hel" + nul + "lo \xff\xfe\nMessage-ID: <nul1@x.example>\n" +
			"References: <a" + nul + "b@x.example>\nIn-Reply-To: <c" + nul + "@x.example>\n\nBody " + nul + "text \xc3\x28\n",
		"8-bit body, declared charset": "From: ann@customer.example\nSubject: caf\xe9\nMessage-ID: <nul2@x.example>\n" +
			"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nCaf\xe9 " + nul + "cr\xe8me\n",
		"base64 NULs and filename": "From: ann@customer.example\nSubject: file\nMessage-ID: <nul3@x.example>\n" +
			"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n" +
			"Content-Transfer-Encoding: base64\n\nPGI+aGkAdGhlcmU8L2I+\n--b\nContent-Type: application/octet-stream; name=\"a" + nul + "b\xff.bin\"\n" +
			"Content-Disposition: attachment; filename=\"a" + nul + "b\xff.bin\"\nContent-ID: <c" + nul + "id>\n\nDATA\n--b--\n",
		"a name that is only a NUL": "From: ann@customer.example\nSubject: nameless\nMessage-ID: <nul5@x.example>\n" +
			"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee file\n" +
			"--b\nContent-Type: application/pdf; name=\"" + nul + "\"\nContent-Disposition: attachment; filename=\"" + nul +
			"\"\n\n%PDF\n--b--\n",
		"unknown charset": "From: ann@customer.example\nSubject: =?x-unknown?B?AAAA?=\nMessage-ID: <nul4@x.example>\n" +
			"Content-Type: text/plain; charset=x-unknown\n\nab\x00\xffcd\n",
	}
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		for name, raw := range cases {
			res, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, Raw: []byte(crlf(raw))})
			if err != nil {
				t.Errorf("%s: refused: %v", name, err)
				continue
			}
			tk := e.ticket(res.TicketID)
			texts := []string{tk.Subject}
			for _, m := range e.messages(res.TicketID) {
				texts = append(texts, m.Body, m.BodyHTML)
				for _, a := range m.Attachments {
					texts = append(texts, a.Filename)
				}
			}
			for _, s := range texts {
				if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					t.Errorf("%s: stored %q", name, s)
				}
			}
		}
		var latin, subject string
		d.Read().QueryRow(`SELECT body_text, e.subject FROM messages m JOIN email_messages e ON e.message_id = m.id
			WHERE e.rfc_message_id = 'nul2@x.example'`).Scan(&latin, &subject)
		if !strings.Contains(latin, "Café crème") || subject != "café" {
			t.Errorf("declared charset not decoded: %q, %q", latin, subject)
		}

		// A bounce whose report has NULs and bad bytes in its fields.
		tk := e.deliver(newMail("ann@customer.example", "Bounce me", "x"))
		e.sendReply(tk.TicketID, "out-nul@desk.example", "ann@customer.example")
		dsn := "From: MAILER-DAEMON@relay.example\nTo: support@example.com\nSubject: Undelivered\n" +
			"Message-ID: <dsn-nul@relay.example>\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n" +
			"--r\nContent-Type: text/plain\n\nFailed.\n--r\nContent-Type: message/delivery-status\n\n" +
			"Reporting-MTA: dns; relay.example\n\nFinal-Recipient: rfc822; ann" + nul + "@customer.example\xff\n" +
			"Action: failed" + nul + "\nStatus: 5.1.1" + nul + "\nDiagnostic-Code: smtp; 550 no" + nul + "\n\n" +
			"--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: <out-nul@desk.example>\n\n--r--\n"
		if b := e.deliver(dsn); b.Outcome != mail.OutcomeBounce {
			t.Errorf("bounce became %+v", b)
		}
	})
}
