package outbound_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// sentParts reads the text and HTML parts of a mail the relay accepted.
func sentParts(t *testing.T, raw []byte) (text, html string) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		body := strings.ReplaceAll(string(b), "\r\n", "\n") // lines end in CRLF on the wire
		if ih, ok := p.Header.(*gomail.InlineHeader); ok {
			switch ct, _, _ := ih.ContentType(); ct {
			case "text/plain":
				text = body
			case "text/html":
				html = body
			}
		}
	}
}

// customerWrites adds the customer's mail to a ticket as intake does, with
// its inbound record.
func (e *env) customerWrites(t *testing.T, tk *ticket.Ticket, body, rfcID string) *ticket.Message {
	t.Helper()
	ctx := context.Background()
	out, err := e.tickets.AppendReceived(ctx, tk.ID, ticket.Received{CustomerID: tk.RequesterID, Body: body,
		Channel: "email"}, true)
	if err != nil {
		t.Fatal(err)
	}
	err = mail.InsertRecord(ctx, e.d.Write(), &mail.Record{MessageID: out.Message.ID, MailboxID: &e.box.ID,
		Direction: "in", RFCMessageID: rfcID, From: "ann@customer.test",
		DeliveryState: mail.StateReceived, CreatedAt: db.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return out.Message
}

func TestReplyCarriesSignatureHistoryAndTheWholeThread(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.openTicket(t)
		if _, err := d.Write().Exec(`UPDATE users SET name = 'Ada Agent', signature = $1`,
			"Ada Agent\nPrinters & <Fire> desk"); err != nil {
			t.Fatal(err)
		}
		first := e.reply(t, tk.ID, ticket.NewMessage{Body: "Unplug it, please."})
		e.runJobs(t)
		_, h1 := header(t, e.relay.received()[0].Raw)
		firstID, _ := h1.MessageID()
		e.reply(t, tk.ID, ticket.NewMessage{Body: "internal: printer is old", Kind: ticket.KindNote})
		back := e.customerWrites(t, tk, "Unplugged.\n\nIt still smokes.", "second@customer.test")
		e.reply(t, tk.ID, ticket.NewMessage{Body: "Please step away from it."})
		e.runJobs(t)
		sent := e.relay.received()
		if len(sent) != 2 {
			t.Fatalf("relay got %d mails", len(sent))
		}
		_, h := header(t, sent[1].Raw)
		refs, _ := h.MsgIDList("References")
		if want := []string{"first@customer.test", firstID, "second@customer.test"}; !slices.Equal(refs, want) {
			t.Errorf("References %v, want %v", refs, want)
		}
		if irt, _ := h.MsgIDList("In-Reply-To"); !slices.Equal(irt, []string{"second@customer.test"}) {
			t.Errorf("In-Reply-To %v", irt)
		}

		text, html := sentParts(t, sent[1].Raw)
		when := func(m time.Time) string { return m.UTC().Format("Mon, 2 Jan 2006 at 15:04 UTC") }
		msgs, err := e.tickets.Messages(context.Background(), tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantText := "Please step away from it.\n\n-- \nAda Agent\nPrinters & <Fire> desk\n\n" +
			"On " + when(back.CreatedAt) + ", Ann wrote:\n> Unplugged.\n>\n> It still smokes.\n\n" +
			"On " + when(first.CreatedAt) + ", Ada Agent wrote:\n> Unplug it, please.\n\n" +
			"On " + when(msgs[0].CreatedAt) + ", Ann wrote:\n> It smokes."
		if text != wantText {
			t.Errorf("text part:\n%s\nwant:\n%s", text, wantText)
		}
		if strings.Contains(text, "printer is old") || strings.Contains(html, "printer is old") {
			t.Error("an internal note was quoted to the customer")
		}
		for _, want := range []string{"<p>Please step away from it.</p>", "Printers &amp; &lt;Fire&gt; desk",
			"On " + when(back.CreatedAt) + ", Ann wrote:", "<blockquote", "<p>Unplugged.</p>\n<p>It still smokes.</p>"} {
			if !strings.Contains(html, want) {
				t.Errorf("HTML part lacks %q:\n%s", want, html)
			}
		}
		if strings.Index(html, "It still smokes") > strings.Index(html, "Unplug it, please") ||
			strings.Index(html, "Unplug it, please") > strings.Index(html, "It smokes.") {
			t.Errorf("history is not newest first:\n%s", html)
		}
	})
}

func TestReplyWithoutSignatureOrHistory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// A ticket the agent opened by phone for a customer with an
		// address: the reply is the first public message after the
		// customer's, so only that is quoted; no signature, no "-- ".
		tk := e.openTicket(t)
		e.reply(t, tk.ID, ticket.NewMessage{Body: "Hello"})
		e.runJobs(t)
		text, html := sentParts(t, e.relay.received()[0].Raw)
		if strings.Contains(text, "-- ") || strings.Contains(html, `class="signature"`) {
			t.Errorf("a signature appeared without one set:\n%s\n%s", text, html)
		}
		if !strings.HasPrefix(text, "Hello\n\nOn ") || !strings.HasSuffix(text, "Ann wrote:\n> It smokes.") {
			t.Errorf("text part %q", text)
		}
	})
}
