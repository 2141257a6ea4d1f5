package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// Each mail of the corpus becomes the ticket a person reading it would
// expect.
func TestCorpusBecomesTickets(t *testing.T) {
	cases := []struct {
		file      string
		subject   string
		requester string
		body      []string // in the stored text
		html      []string // in the stored HTML
		notHTML   []string
		files     []string // attachment names besides original.eml
		quote     bool     // history folded
		acked     bool
		outcome   string
	}{
		{file: "gmail_new.eml", subject: "Cannot log in after password reset", requester: "ann.example@gmail.com",
			body: []string{"“invalid credentials”"}, html: []string{"Could you have a look?"}, acked: true},
		{file: "outlook_inline_image.eml", subject: "Fehlermeldung beim Export (Screenshot)",
			requester: "juergen.mueller@contoso.de", body: []string{"Grüße", "Jürgen Müller"},
			html: []string{`src="/api/v1/attachments/`}, notHTML: []string{"cid:", "<style", "MsoNormal"},
			files: []string{"image001.png"}, acked: true},
		{file: "apple_mail_attachment.eml", subject: "Facture de février", requester: "claire@dubois.fr",
			body: []string{"facture de février"}, files: []string{"facture-février.pdf"}, acked: true},
		{file: "thunderbird_flowed.eml", subject: "Feature request: dark mode", requester: "dieter@posteo.de",
			body: []string{"dark mode to the customer portal", "Berg Consulting"}, acked: true},
		{file: "iso8859_qp.eml", subject: "Problème de connexion", requester: "marie@laposte.example",
			body: []string{"« session expirée »", "Marie Lefèvre"}, acked: true},
		{file: "shift_jis_base64.eml", subject: "請求書のダウンロード", requester: "taro.yamada@example.co.jp",
			body: []string{"請求書のダウンロードができません。", "山田太郎"}, acked: true},
		{file: "base64_html_only.eml", subject: "Order #5531 never arrived", requester: "owner@shop.example",
			body: []string{"never arrived", "Please help."}, html: []string{"<b>#5531</b>", "data-remote-src"},
			notHTML: []string{"<script", "onclick", `<img src="https://tracker`}, acked: true},
		{file: "auto_reply_ooo.eml", subject: "Automatic reply: Your request", requester: "peter.novak@firma.example",
			body: []string{"out of the office"}, acked: false},
		{file: "gmail_forward.eml", subject: "Fwd: Your invoice INV-2025-0042", requester: "ann.example@gmail.com",
			body: []string{"Forwarded message", "Amount due: 1,240.00 EUR"}, html: []string{"Amount due"},
			notHTML: []string{"<details>"}, acked: true},
		{file: "text_only_cc.eml", subject: "Licences for the new team", requester: "sam.lee@bigcorp.example",
			body: []string{"five more licences"}, acked: true},
		{file: "malformed_headers.eml", requester: "broken@sender.example", body: []string{"My order is stuck = please help."},
			files: []string{"data.bin"}, acked: true},
		{file: "bounce_dsn.eml", subject: "Undelivered Mail Returned to Sender",
			requester: "mailer-daemon@relay.example.com", body: []string{"could not"},
			files: []string{"delivery-status.txt", "original-headers.txt"}, acked: false},
	}
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{PerMinute: -1})
		for _, c := range cases {
			res := e.deliver(readCorpus(t, c.file))
			want := c.outcome
			if want == "" {
				want = mail.OutcomeNew
			}
			if res.Outcome != want {
				t.Errorf("%s: outcome %q, want %q", c.file, res.Outcome, want)
				continue
			}
			tk := e.ticket(res.TicketID)
			if c.subject != "" && tk.Subject != c.subject {
				t.Errorf("%s: subject %q", c.file, tk.Subject)
			}
			if tk.Channel != "email" || tk.Status != "new" {
				t.Errorf("%s: channel %s status %s", c.file, tk.Channel, tk.Status)
			}
			var email string
			if err := d.Read().QueryRow(`SELECT value FROM customer_identities WHERE customer_id = $1`,
				tk.RequesterID).Scan(&email); err != nil || email != c.requester {
				t.Errorf("%s: requester %q (%v)", c.file, email, err)
			}
			ms := e.messages(tk.ID)
			m := ms[0]
			if m.AuthorType != events.ActorCustomer || *m.AuthorID != tk.RequesterID || m.Kind != ticket.KindReply {
				t.Errorf("%s: first message %+v", c.file, m)
			}
			for _, s := range c.body {
				if !strings.Contains(m.Body, s) {
					t.Errorf("%s: body lacks %q:\n%s", c.file, s, m.Body)
				}
			}
			for _, s := range c.html {
				if !strings.Contains(m.BodyHTML, s) {
					t.Errorf("%s: HTML lacks %q:\n%s", c.file, s, m.BodyHTML)
				}
			}
			for _, s := range c.notHTML {
				if strings.Contains(m.BodyHTML, s) {
					t.Errorf("%s: HTML keeps %q:\n%s", c.file, s, m.BodyHTML)
				}
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Filename)
			}
			if want := append([]string{"original.eml"}, c.files...); strings.Join(names, "|") != strings.Join(want, "|") {
				t.Errorf("%s: attachments %v, want %v", c.file, names, want)
			}
			if e.acked(tk.ID) != c.acked {
				t.Errorf("%s: acknowledged %v, want %v", c.file, e.acked(tk.ID), c.acked)
			}
			rec, err := mail.GetRecord(context.Background(), d.Read(), m.ID)
			if err != nil || rec.Direction != "in" || rec.DeliveryState != mail.StateReceived ||
				rec.RawAttachmentID == nil || *rec.RawAttachmentID != m.Attachments[0].ID {
				t.Errorf("%s: record %+v, %v", c.file, rec, err)
			}
		}
	})
}

// The quoted history of a reply is marked, kept and folded; not cut.
func TestReplyHistoryIsFoldedNotLost(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		first := e.deliver(readCorpus(t, "gmail_new.eml"))
		e.sendReply(first.TicketID, "reply-1@centerdesk.example", "ann.example@gmail.com")
		res := e.deliver(strings.ReplaceAll(readCorpus(t, "gmail_reply.eml"), "REPLACE-IN-REPLY-TO",
			"reply-1@centerdesk.example"))
		if res.Outcome != mail.OutcomeReply || res.TicketID != first.TicketID {
			t.Fatalf("reply became %+v", res)
		}
		ms := e.messages(first.TicketID)
		m := ms[len(ms)-1]
		rec, err := mail.GetRecord(context.Background(), d.Read(), m.ID)
		if err != nil || rec.QuoteStart == nil {
			t.Fatalf("record %+v, %v", rec, err)
		}
		if own := m.Body[:*rec.QuoteStart]; strings.TrimSpace(own) != "That worked, thank you!" {
			t.Errorf("own text %q", own)
		}
		if !strings.Contains(m.Body[*rec.QuoteStart:], "Please clear your browser's cookies") {
			t.Errorf("history lost: %q", m.Body)
		}
		if !strings.Contains(m.BodyHTML, "<details><summary>Quoted text</summary>") ||
			!strings.Contains(m.BodyHTML, "Please clear your browser") {
			t.Errorf("HTML history not folded: %s", m.BodyHTML)
		}
		if e.acked(res.TicketID) && len(e.acks) != 1 {
			t.Errorf("a reply was acknowledged: %v", e.acks)
		}
	})
}

func newMail(from, subject, body string, headers ...string) string {
	h := strings.Join(headers, "\n")
	if h != "" {
		h += "\n"
	}
	return fmt.Sprintf("From: %s\nTo: support@example.com\nSubject: %s\nMessage-ID: <%s>\n%s"+
		"Content-Type: text/plain; charset=utf-8\n\n%s\n", from, subject, msgID(), h, body)
}

var idSeq atomic.Int64

func msgID() string {
	return fmt.Sprintf("m%d@client.example", idSeq.Add(1))
}

// Threading: headers, then the signed token; only for participants.
func TestThreading(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		first := e.deliver(newMail("Ann <ann@customer.example>", "Printer on fire", "It is on fire."))
		tk := e.ticket(first.TicketID)
		sent := "out-1@centerdesk.example"
		e.sendReply(tk.ID, sent, "ann@customer.example")

		// In-Reply-To to our reply.
		r := e.deliver(newMail("ann@customer.example", "Re: Printer on fire", "Still burning.",
			"In-Reply-To: <"+sent+">"))
		if r.Outcome != mail.OutcomeReply || r.TicketID != tk.ID {
			t.Errorf("In-Reply-To: %+v", r)
		}
		// References only, naming her own first mail (received, not sent).
		var firstID string
		d.Read().QueryRow(`SELECT rfc_message_id FROM email_messages WHERE message_id = $1`, first.MessageID).Scan(&firstID)
		r = e.deliver(newMail("ann@customer.example", "more", "And smoking.", "References: <"+firstID+"> <unknown@x.example>"))
		if r.Outcome != mail.OutcomeReply || r.TicketID != tk.ID {
			t.Errorf("References: %+v", r)
		}
		// Headers stripped: the signed token finds the ticket.
		r = e.deliver(newMail("ann@customer.example", "Re: Printer on fire "+testToken(tk.Number), "Token only."))
		if r.Outcome != mail.OutcomeReply || r.TicketID != tk.ID {
			t.Errorf("token: %+v", r)
		}
		// A guessed, unsigned or badly signed token does nothing.
		r = e.deliver(newMail("ann@customer.example", fmt.Sprintf("About [#%d] and [#%d-000000]", tk.Number, tk.Number), "Guess."))
		if r.Outcome != mail.OutcomeNew || r.TicketID == tk.ID {
			t.Errorf("unsigned token: %+v", r)
		}
		// A stranger with forged headers and a valid token gets a ticket of
		// their own.
		before := len(e.messages(tk.ID))
		r = e.deliver(newMail("mallory@evil.example", "Re: Printer on fire "+testToken(tk.Number), "Let me in.",
			"In-Reply-To: <"+sent+">", "References: <"+firstID+">"))
		if r.Outcome != mail.OutcomeNew || r.TicketID == tk.ID {
			t.Errorf("stranger: %+v", r)
		}
		if after := len(e.messages(tk.ID)); after != before {
			t.Errorf("the stranger's mail landed on the ticket: %d messages, was %d", after, before)
		}
		// Two recipients of one notification who are not on the ticket
		// stay apart.
		a := e.deliver(newMail("bob@other.example", "Re: notice", "Bob here.", "In-Reply-To: <"+sent+">"))
		b := e.deliver(newMail("carol@other.example", "Re: notice", "Carol here.", "In-Reply-To: <"+sent+">"))
		if a.TicketID == b.TicketID || a.TicketID == tk.ID || b.TicketID == tk.ID {
			t.Errorf("recipients merged: %+v %+v", a, b)
		}
	})
}

// CC'd addresses become followers, who may then reply on the ticket.
func TestCopiedAddressesFollow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		res := e.deliver(readCorpus(t, "text_only_cc.eml"))
		followers, err := e.tickets.Followers(context.Background(), res.TicketID)
		if err != nil || len(followers) != 2 {
			t.Fatalf("followers %v, %v", followers, err)
		}
		// Our own other mailbox, copied, is not a follower.
		res2 := e.deliver(newMail("zed@z.example", "hello", "hi", "Cc: sales@example.com, Zoe <zoe@z.example>"))
		if f, _ := e.tickets.Followers(context.Background(), res2.TicketID); len(f) != 1 {
			t.Errorf("followers %v", f)
		}
		evs, _ := e.tickets.Events(context.Background(), res.TicketID)
		if n := countEvents(evs, ticket.EventFollowerAdded); n != 2 {
			t.Errorf("%d follower events", n)
		}
		// Dana, a follower, replies by token: it joins the ticket.
		tk := e.ticket(res.TicketID)
		r := e.deliver(newMail("dana.boss@bigcorp.example", "Re: Licences "+testToken(tk.Number), "Approved."))
		if r.Outcome != mail.OutcomeReply || r.TicketID != tk.ID {
			t.Errorf("follower's reply: %+v", r)
		}
	})
}

func countEvents(evs []events.Event, typ string) int {
	n := 0
	for _, e := range evs {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// A reply to a solved ticket reopens it; to a closed one it opens a linked
// follow-up; an auto-reply neither reopens nor is acknowledged.
func TestSolvedAndClosed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		res := e.deliver(newMail("ann@customer.example", "Help", "Please."))
		tk := e.ticket(res.TicketID)
		token := testToken(tk.Number)

		e.setStatus(tk.ID, "solved")
		ooo := e.deliver(newMail("ann@customer.example", "Automatic reply: "+token, "I am away.", "Auto-Submitted: auto-replied"))
		if ooo.Outcome != mail.OutcomeReply || ooo.Reopened || e.ticket(tk.ID).Status != "solved" {
			t.Errorf("auto-reply reopened: %+v, %s", ooo, e.ticket(tk.ID).Status)
		}
		r := e.deliver(newMail("ann@customer.example", "Re: Help "+token, "It broke again."))
		if r.Outcome != mail.OutcomeReply || !r.Reopened {
			t.Errorf("reply to solved: %+v", r)
		}
		got := e.ticket(tk.ID)
		if got.Status != "open" || got.SolvedAt != nil {
			t.Errorf("after reply: %s %v", got.Status, got.SolvedAt)
		}
		evs, _ := e.tickets.Events(context.Background(), tk.ID)
		last := lastEvent(evs, "ticket.status_changed")
		if last == nil || last.Data["before"] != "solved" || last.Data["after"] != "open" || last.ActorType != events.ActorCustomer {
			t.Errorf("status event %+v", last)
		}

		e.setStatus(tk.ID, "closed")
		acks := len(e.acks)
		f := e.deliver(newMail("ann@customer.example", "Re: Help "+token, "One more thing."))
		if f.Outcome != mail.OutcomeFollowUp || f.TicketID == tk.ID {
			t.Fatalf("reply to closed: %+v", f)
		}
		links, err := ticketlink.New(e.d, e.tickets).List(context.Background(), f.TicketID)
		if err != nil || len(links) != 1 || links[0].TicketID != tk.ID || links[0].Type != ticketlink.Related {
			t.Errorf("links %+v, %v", links, err)
		}
		if len(e.acks) != acks+1 {
			t.Errorf("follow-up not acknowledged")
		}
		if e.ticket(tk.ID).Status != "closed" || len(e.messages(tk.ID)) != 3 {
			t.Errorf("closed ticket changed")
		}
	})
}

func lastEvent(evs []events.Event, typ string) *events.Event {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return &evs[i]
		}
	}
	return nil
}

// A bounce is attached to the mail it bounces, which is marked failed.
func TestBounceMarksFailure(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		res := e.deliver(newMail("nobody@customer.example", "Hi", "Hello."))
		sent := e.sendReply(res.TicketID, "bounced-1@centerdesk.example", "nobody@customer.example")
		acks := len(e.acks)
		b := e.deliver(strings.ReplaceAll(readCorpus(t, "bounce_dsn.eml"), "REPLACE-BOUNCED-ID", "bounced-1@centerdesk.example"))
		if b.Outcome != mail.OutcomeBounce || b.TicketID != res.TicketID {
			t.Fatalf("bounce became %+v", b)
		}
		rec, err := mail.GetRecord(context.Background(), d.Read(), sent)
		if err != nil || rec.DeliveryState != mail.StateFailed ||
			!strings.Contains(rec.DeliveryError, "nobody@customer.example: 550 5.1.1") {
			t.Errorf("sent record %+v, %v", rec, err)
		}
		ms := e.messages(res.TicketID)
		note := ms[len(ms)-1]
		if note.Kind != ticket.KindNote || note.AuthorType != events.ActorSystem || len(note.Attachments) != 3 ||
			!strings.Contains(note.Body, "could not be delivered") {
			t.Errorf("note %+v", note)
		}
		if len(e.acks) != acks {
			t.Errorf("a bounce was acknowledged")
		}
	})
}

// The same mail delivered twice is stored once; a mail that cannot be read
// is kept raw on a ticket with a note.
func TestDuplicatesAndUnreadable(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{})
		raw := readCorpus(t, "apple_mail_attachment.eml")
		a := e.deliver(raw)
		b := e.deliver(raw)
		if b.Outcome != mail.OutcomeDuplicate || b.TicketID != a.TicketID || b.MessageID != a.MessageID {
			t.Errorf("duplicate became %+v", b)
		}
		// Without a Message-ID, the bytes identify it.
		noID := "From: x@y.example\nSubject: no id\n\nbody\n"
		c, dup := e.deliver(noID), e.deliver(noID)
		if dup.Outcome != mail.OutcomeDuplicate || dup.TicketID != c.TicketID {
			t.Errorf("id-less duplicate %+v", dup)
		}
		if n := testutil.Count(t, d, "tickets"); n != 2 {
			t.Errorf("%d tickets", n)
		}

		u := e.deliver("\x00\x01garbage with no headers at all")
		if u.Outcome != mail.OutcomeUnreadable {
			t.Fatalf("garbage became %+v", u)
		}
		ms := e.messages(u.TicketID)
		if len(ms) != 2 || ms[0].Attachments[0].Filename != "original.eml" || ms[1].Kind != ticket.KindNote ||
			!strings.Contains(ms[1].Body, "could not read") {
			t.Errorf("unreadable kept as %+v %+v", ms[0], ms[1])
		}
		var requester string
		d.Read().QueryRow(`SELECT value FROM customer_identities WHERE customer_id = $1`,
			e.ticket(u.TicketID).RequesterID).Scan(&requester)
		if requester != mail.UnknownSender {
			t.Errorf("requester %q", requester)
		}
	})
}

// A sender sending too much too fast is refused for a while; nothing of
// the refused mail is stored.
func TestThrottle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{PerMinute: 3})
		for i := range 3 {
			e.deliver(newMail("flood@x.example", fmt.Sprint("m", i), "spam"))
		}
		before := testutil.Count(t, d, "messages")
		_, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box,
			Raw: []byte(crlf(newMail("flood@x.example", "m4", "spam")))})
		if !errors.Is(err, mail.ErrThrottled) {
			t.Fatalf("fourth mail: %v", err)
		}
		if testutil.Count(t, d, "messages") != before {
			t.Error("a throttled mail was stored")
		}
		e.deliver(newMail("calm@x.example", "hello", "one mail"))
	})
}
