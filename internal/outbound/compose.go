package outbound

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/centerdesk/centerdesk/internal/settings"
)

// envelope is one mail as it will be sent.
type envelope struct {
	FromName, From string
	To, Cc         []string
	Subject        string
	MessageID      string   // without angle brackets
	InReplyTo      string   // without angle brackets; "" for none
	References     []string // oldest first, without angle brackets
	Date           time.Time
	Text, HTML     string // HTML "" is made from Text
	Auto           bool   // sent by a machine (an acknowledgement): marked so that auto-responders keep quiet
	Files          []file
}

// file is an attachment to send.
type file struct {
	Name, ContentType string
	Open              func(context.Context) (io.ReadCloser, error)
}

// newMessageID returns a Message-ID (without brackets) for mail about a
// ticket: its number and the message make it recognisable in logs, the
// random part unique, the mailbox's domain ours.
func newMessageID(what string, number, messageID int64, mailbox string) string {
	b := make([]byte, 8)
	rand.Read(b)
	domain := mailbox[strings.LastIndexByte(mailbox, '@')+1:]
	return fmt.Sprintf("ticket-%d.%s-%d.%s@%s", number, what, messageID, hex.EncodeToString(b), domain)
}

// compose renders e (see compose) with its date in the desk's time zone
// (setting time_zone): mail to customers dates in the desk's zone, as
// they see times in the portal, not in the zone of the server that sent it.
func (s *Service) compose(ctx context.Context, e *envelope) ([]byte, error) {
	loc, err := settings.Location(ctx, s.db.Reader(ctx))
	if err != nil {
		return nil, err
	}
	e.Date = e.Date.In(loc)
	return compose(ctx, e)
}

// compose renders e as an RFC 5322 message: multipart/alternative text and
// HTML, inside multipart/mixed when there are attachments.
func compose(ctx context.Context, e *envelope) ([]byte, error) {
	var h gomail.Header
	h.SetDate(e.Date)
	h.SetAddressList("From", []*gomail.Address{{Name: e.FromName, Address: e.From}})
	h.SetAddressList("To", addresses(e.To))
	if len(e.Cc) > 0 {
		h.SetAddressList("Cc", addresses(e.Cc))
	}
	h.SetSubject(e.Subject)
	h.SetMessageID(e.MessageID)
	if e.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{e.InReplyTo})
	}
	if len(e.References) > 0 {
		h.SetMsgIDList("References", e.References)
	}
	if e.Auto {
		// RFC 3834, and what Exchange honours: no out-of-office answers to
		// an acknowledgement, so no loop between two robots.
		h.Set("Auto-Submitted", "auto-replied")
		h.Set("X-Auto-Response-Suppress", "All")
	}
	htmlBody := e.HTML
	if strings.TrimSpace(htmlBody) == "" {
		htmlBody = textToHTML(e.Text)
	}
	var buf bytes.Buffer
	if len(e.Files) == 0 {
		iw, err := gomail.CreateInlineWriter(&buf, h)
		if err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		if err := writeAlternatives(iw, e.Text, htmlBody); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	mw, err := gomail.CreateWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	iw, err := mw.CreateInline()
	if err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	if err := writeAlternatives(iw, e.Text, htmlBody); err != nil {
		return nil, err
	}
	for _, f := range e.Files {
		if err := writeAttachment(ctx, mw, f); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func addresses(list []string) []*gomail.Address {
	out := make([]*gomail.Address, len(list))
	for i, a := range list {
		out[i] = &gomail.Address{Address: a}
	}
	return out
}

func writeAlternatives(iw *gomail.InlineWriter, text, htmlBody string) error {
	for _, p := range []struct{ ct, body string }{
		{"text/plain; charset=utf-8", text}, {"text/html; charset=utf-8", htmlBody},
	} {
		var ph gomail.InlineHeader
		ph.Set("Content-Type", p.ct)
		w, err := iw.CreatePart(ph)
		if err != nil {
			return fmt.Errorf("outbound: compose part: %w", err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return fmt.Errorf("outbound: compose part: %w", err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("outbound: compose part: %w", err)
		}
	}
	if err := iw.Close(); err != nil {
		return fmt.Errorf("outbound: compose: %w", err)
	}
	return nil
}

func writeAttachment(ctx context.Context, mw *gomail.Writer, f file) error {
	var ah gomail.AttachmentHeader
	ah.Set("Content-Type", f.ContentType)
	ah.SetFilename(f.Name)
	w, err := mw.CreateAttachment(ah)
	if err != nil {
		return fmt.Errorf("outbound: attach %s: %w", f.Name, err)
	}
	r, err := f.Open(ctx)
	if err != nil {
		return fmt.Errorf("outbound: open %s: %w", f.Name, err)
	}
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("outbound: attach %s: %w", f.Name, err)
	}
	return w.Close()
}

// textToHTML is the HTML part of a mail written as plain text: escaped,
// paragraphs kept, web addresses made links (a sign-in link a customer has
// to copy by hand is one most will not use).
func textToHTML(text string) string {
	return "<!DOCTYPE html><html><body>" + paragraphs(text) + "</body></html>\n"
}

// webAddress is an http(s) URL in running text: it ends at white space or
// at a character that cannot be in an unquoted URL.
var webAddress = regexp.MustCompile(`https?://[^\s<>"']+`)

// linkify escapes text for HTML and makes every web address in it a link.
// Punctuation that ends a sentence ("see https://x.example/a.") stays
// outside the link.
func linkify(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range webAddress.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		end = start + len(strings.TrimRight(text[start:end], ".,;:!?)]"))
		if end-start <= len("https://") {
			continue
		}
		b.WriteString(html.EscapeString(text[last:start]))
		u := html.EscapeString(text[start:end])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = end
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}
