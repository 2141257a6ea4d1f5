package outbound_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// openTicket opens a ticket as if by mail: the customer's first message
// carries an inbound email record with Message-ID first@customer.test.
func (e *env) openTicket(t *testing.T) *ticket.Ticket {
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
	now := db.Now()
	err = mail.InsertRecord(ctx, e.d.Write(), &mail.Record{MessageID: msgs[0].ID, MailboxID: &e.box.ID,
		Direction: "in", RFCMessageID: "first@customer.test", From: "ann@customer.test",
		DeliveryState: mail.StateReceived, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (e *env) reply(t *testing.T, ticketID int64, in ticket.NewMessage) *ticket.Message {
	t.Helper()
	if in.Kind == "" {
		in.Kind = ticket.KindReply
	}
	m, err := e.tickets.PostMessage(e.agent, ticketID, in)
	if err != nil {
		t.Fatalf("post message: %v", err)
	}
	return m
}

func header(t *testing.T, raw []byte) (*gomail.Reader, gomail.Header) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read sent mail: %v\n%s", err, raw)
	}
	return r, r.Header
}

func TestAgentReplyArrivesReadyToThread(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tk := e.openTicket(t)
		// A follower copied on the conversation gets the reply too.
		var bob int64
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			c, _, err := customer.ResolveEmail(ctx, tx, "bob@customer.test", "Bob")
			bob = c.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.tickets.AddFollowers(ctx, tk.ID, []int64{bob}); err != nil {
			t.Fatal(err)
		}
		up, err := e.attachments.Upload(e.agent, attachment.Upload{Filename: "fix.txt", ContentType: "text/plain",
			Body: strings.NewReader("unplug it\n"), Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		m := e.reply(t, tk.ID, ticket.NewMessage{Body: "Unplug it, please.", BodyHTML: "<p>Unplug it, <b>please</b>.</p>",
			Attachments: []int64{up.ID}})
		e.reply(t, tk.ID, ticket.NewMessage{Body: "internal: printer is old", Kind: ticket.KindNote})

		if got := e.delivery(t, tk.ID, m.ID); got == nil || got.State != "queued" {
			t.Fatalf("before sending: %+v", got)
		}
		if n := e.runJobs(t); n != 1 {
			t.Fatalf("ran %d jobs, want 1 (the note sends nothing)", n)
		}
		sent := e.relay.received()
		if len(sent) != 1 {
			t.Fatalf("relay got %d mails", len(sent))
		}
		got := sent[0]
		if got.From != "help@desk.test" || !slices.Equal(got.To, []string{"ann@customer.test", "bob@customer.test"}) ||
			got.User != "desk" {
			t.Errorf("envelope: from %s to %v as %q", got.From, got.To, got.User)
		}
		r, h := header(t, got.Raw)
		msgID, _ := h.MessageID()
		want := regexp.MustCompile(`^ticket-` + itoa(tk.Number) + `\.msg-` + itoa(m.ID) + `\.[0-9a-f]{16}@desk\.test$`)
		if !want.MatchString(msgID) {
			t.Errorf("Message-ID %q", msgID)
		}
		if irt, _ := h.MsgIDList("In-Reply-To"); !slices.Equal(irt, []string{"first@customer.test"}) {
			t.Errorf("In-Reply-To %v", irt)
		}
		if refs, _ := h.MsgIDList("References"); !slices.Equal(refs, []string{"first@customer.test"}) {
			t.Errorf("References %v", refs)
		}
		subject, _ := h.Subject()
		if !strings.HasPrefix(subject, "Re: Printer on fire [#") ||
			!slices.Equal(mailtoken.Parse(subject, tokenKey), []int64{tk.Number}) {
			t.Errorf("subject %q", subject)
		}
		from, _ := h.AddressList("From")
		cc, _ := h.AddressList("Cc")
		if len(from) != 1 || from[0].Name != "Desk Help" || len(cc) != 1 || cc[0].Address != "bob@customer.test" {
			t.Errorf("From %v Cc %v", from, cc)
		}
		parts := map[string]string{}
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(p.Body)
			switch ph := p.Header.(type) {
			case *gomail.InlineHeader:
				ct, _, _ := ph.ContentType()
				parts[ct] = string(body)
			case *gomail.AttachmentHeader:
				name, _ := ph.Filename()
				parts["attachment "+name] = string(body)
			}
		}
		if !strings.HasPrefix(parts["text/plain"], "Unplug it, please.\r\n\r\nOn ") || !strings.Contains(parts["text/html"], "<b>please</b>") ||
			parts["attachment fix.txt"] != "unplug it\n" {
			t.Errorf("parts: %q", parts)
		}
		if !strings.Contains(string(got.Raw), "multipart/alternative") {
			t.Errorf("no multipart/alternative:\n%s", got.Raw)
		}
		if got := e.delivery(t, tk.ID, m.ID); got == nil || got.State != "sent" || got.Error != "" {
			t.Errorf("after sending: %+v", got)
		}
		rec, err := mail.GetRecord(ctx, d.Read(), m.ID)
		if err != nil || rec.RFCMessageID != msgID || rec.Direction != "out" {
			t.Errorf("record: %+v, %v", rec, err)
		}
		// The next reply answers ours, the latest, and references both.
		m2 := e.reply(t, tk.ID, ticket.NewMessage{Body: "Did that help?"})
		e.runJobs(t)
		_, h2 := header(t, e.relay.received()[1].Raw)
		refs, _ := h2.MsgIDList("References")
		html := e.relay.received()[1].Raw
		if !slices.Equal(refs, []string{"first@customer.test", msgID}) || !bytes.Contains(html, []byte("text/html")) {
			t.Errorf("second reply (message %d): References %v", m2.ID, refs)
		}
		if irt, _ := h2.MsgIDList("In-Reply-To"); !slices.Equal(irt, []string{msgID}) {
			t.Errorf("second reply: In-Reply-To %v", irt)
		}
	})
}

func TestTemporaryFailureIsRetriedThenSent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.openTicket(t)
		e.relay.fail(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"})
		m := e.reply(t, tk.ID, ticket.NewMessage{Body: "Hello"})
		e.runJobs(t)
		got := e.delivery(t, tk.ID, m.ID)
		if got.State != "queued" || !strings.Contains(got.Error, "451 4.3.0 try again later") || len(e.relay.received()) != 0 {
			t.Fatalf("after 451: %+v, %d mails", got, len(e.relay.received()))
		}
		if n := e.runJobs(t); n != 0 {
			t.Fatalf("retried before the backoff: %d", n)
		}
		e.clock.Add(time.Hour)
		e.runJobs(t)
		if got := e.delivery(t, tk.ID, m.ID); got.State != "sent" || got.Error != "" || len(e.relay.received()) != 1 {
			t.Errorf("after retry: %+v, %d mails", got, len(e.relay.received()))
		}
	})
}

func TestPermanentFailureShowsTheServersReason(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.openTicket(t)
		e.relay.fail(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"})
		m := e.reply(t, tk.ID, ticket.NewMessage{Body: "Hello"})
		e.runJobs(t)
		got := e.delivery(t, tk.ID, m.ID)
		if got.State != "failed" || !strings.Contains(got.Error, "550 5.1.1 no such user here") {
			t.Errorf("after 550: %+v", got)
		}
		var state string
		if err := d.Read().QueryRow(`SELECT state FROM jobs WHERE kind = $1`, outbound.KindReply).Scan(&state); err != nil || state != "dead" {
			t.Errorf("job state %q, %v", state, err)
		}
		e.clock.Add(24 * time.Hour)
		if n := e.runJobs(t); n != 0 || len(e.relay.received()) != 0 {
			t.Errorf("a failed mail was tried again")
		}
	})
}

func TestRestartNeitherLosesNorDuplicatesReplies(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.openTicket(t)
		// The replies are committed, then the server stops before any is
		// sent.
		var ids []int64
		for _, body := range []string{"one", "two", "three"} {
			ids = append(ids, e.reply(t, tk.ID, ticket.NewMessage{Body: body}).ID)
		}
		// A new process: its own queue and sender over the same database.
		q2 := e.newQueue(t, "worker-2")
		outbound.New(d, q2, e.mailboxes, e.tickets, e.attachments, tokenKey, testutil.Logger(t), outbound.Options{Now: e.clock.Now})
		if n, err := q2.RunDue(context.Background()); err != nil || n != 3 {
			t.Fatalf("after restart ran %d, %v", n, err)
		}
		// A job delivered twice (its record already says sent) sends nothing.
		if _, err := d.Write().Exec(`UPDATE jobs SET state = 'queued' WHERE kind = $1`, outbound.KindReply); err != nil {
			t.Fatal(err)
		}
		if n, err := q2.RunDue(context.Background()); err != nil || n != 3 {
			t.Fatalf("re-run %d, %v", n, err)
		}
		seen := map[string]int{}
		for _, m := range e.relay.received() {
			_, h := header(t, m.Raw)
			id, _ := h.MessageID()
			seen[id]++
		}
		if len(seen) != 3 {
			t.Errorf("distinct mails %v", seen)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s sent %d times", id, n)
			}
		}
		for _, id := range ids {
			if got := e.delivery(t, tk.ID, id); got.State != "sent" {
				t.Errorf("message %d: %+v", id, got)
			}
		}
	})
}

func TestRepliesWithoutAMailboxAreNotEmailed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.openTicket(t)
		// Two mailboxes and a ticket that names none: which one is unknown.
		if _, err := d.Write().Exec(`INSERT INTO mailboxes (address) VALUES ('other@desk.test')`); err != nil {
			t.Fatal(err)
		}
		m := e.reply(t, tk.ID, ticket.NewMessage{Body: "Hello"})
		if got := e.delivery(t, tk.ID, m.ID); got != nil || testutil.Count(t, d, "jobs") != 0 {
			t.Errorf("delivery %+v, %d jobs", got, testutil.Count(t, d, "jobs"))
		}
	})
}
