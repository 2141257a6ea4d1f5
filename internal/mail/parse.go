// Package mail is the email channel's receiving side: it parses what real
// mail clients send (parse.go), recognises quoted history, auto-replies and
// bounces, and turns each message into a ticket or a reply on one in a
// single transaction (intake.go). The SMTP listener (internal/mail/smtpin)
// and the IMAP poller (internal/mail/imappoll) hand it raw messages.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
)

// Message is a received mail as intake needs it.
type Message struct {
	// MessageID is the Message-ID without angle brackets. Mail without one
	// gets a synthetic id derived from its bytes (Synthetic), so the same
	// mail delivered twice is still recognised.
	MessageID  string
	Synthetic  bool
	InReplyTo  []string // ids, usually one
	References []string // ids, oldest first
	Subject    string
	From       Address
	ReplyTo    []Address
	To, Cc     []Address
	Date       time.Time

	// Text is the whole plain-text body, history included, in valid UTF-8.
	Text string
	// QuoteStart is the byte offset in Text where the quoted history of a
	// reply starts, or -1 when there is none. Nothing is cut: the view
	// folds it away.
	QuoteStart int
	// HTML is the HTML body as sent (unsanitised), or "". Quoted history
	// is wrapped in <details> so it shows folded.
	HTML string
	// Parts are the attachments and inline images.
	Parts []Part

	// Auto says the mail was sent by a machine (auto-reply, bulk, list,
	// bounce), which must never be answered automatically; AutoReason
	// says why.
	Auto       bool
	AutoReason string
	// Bounce is set for a delivery status notification.
	Bounce *Bounce
	// Warnings are problems the parser worked around.
	Warnings []string
}

// Address is one mailbox: a display name and a lower-cased address.
type Address struct {
	Name string
	Addr string
}

// Part is an attachment or an inline image of a mail.
type Part struct {
	Filename    string
	ContentType string
	ContentID   string // without angle brackets; "" when none
	Inline      bool   // shown in the body (referenced by cid:)
	Content     []byte
}

// parser is lenient with broken parts: a part it cannot decode is kept as
// it is rather than failing the whole mail.
var parser = enmime.NewParser(enmime.SkipMalformedParts(false),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
	enmime.StripMediaTypeInvalidCharacters(true), enmime.MultipartWOBoundaryAsSinglePart(true))

// ErrUnreadable wraps why a mail could not be parsed. Intake keeps such a
// mail raw, on a ticket, with a note.
var ErrUnreadable = errors.New("mail: message cannot be read")

// Parse reads a raw mail. It fails only when the mail's structure cannot be
// read at all (ErrUnreadable); everything else (broken headers, unknown
// charsets, bad encodings) becomes a warning and the best reading.
func Parse(raw []byte) (m *Message, err error) {
	defer func() {
		// The parser meets hostile input; a panic in it must not take the
		// listener down, and the mail is kept raw anyway.
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%w: parser panic: %v", ErrUnreadable, p)
		}
	}()
	env, err := parser.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if len(env.GetHeaderKeys()) == 0 {
		return nil, fmt.Errorf("%w: no headers", ErrUnreadable)
	}
	m = &Message{QuoteStart: -1}
	m.readHeaders(env, raw, textCharset(env))
	m.Text = noNUL(strings.ToValidUTF8(normalizeNewlines(env.Text), "\uFFFD"))
	m.HTML = noNUL(strings.ToValidUTF8(env.HTML, "\uFFFD"))
	m.Parts = parts(env)
	m.Auto, m.AutoReason = autoSubmitted(env, m)
	m.Bounce = readBounce(env)
	if m.Bounce != nil && !m.Auto {
		m.Auto, m.AutoReason = true, "delivery status notification"
	}
	// A forward's history is the content being forwarded: nothing folds.
	if !isForwardSubject(m.Subject) {
		m.QuoteStart = quoteStart(m.Text)
		if m.HTML != "" {
			m.HTML = foldHTMLQuote(m.HTML)
		}
	}
	for _, e := range env.Errors {
		m.Warnings = append(m.Warnings, e.Error())
	}
	return m, nil
}

func (m *Message) readHeaders(env *enmime.Envelope, raw []byte, charset string) {
	m.MessageID = firstID(env.GetHeader("Message-Id"))
	if m.MessageID == "" {
		m.MessageID, m.Synthetic = SyntheticID(raw), true
	}
	m.InReplyTo = messageIDs(env.GetHeader("In-Reply-To"))
	m.References = messageIDs(env.GetHeader("References"))
	m.Subject = cleanHeader(decode8bit(env.GetHeader("Subject"), charset))
	if from := addresses(env, "From", charset); len(from) > 0 {
		m.From = from[0]
	} else if sender := addresses(env, "Sender", charset); len(sender) > 0 {
		m.From = sender[0]
	}
	m.ReplyTo = addresses(env, "Reply-To", charset)
	m.To = addresses(env, "To", charset)
	m.Cc = addresses(env, "Cc", charset)
	if d, err := env.Date(); err == nil {
		m.Date = d
	}
}

// SyntheticID returns the id given to a mail without a Message-ID: a hash
// of its bytes less the trace headers (as ContentHash), so that the same
// mail delivered again, by SMTP or by IMAP, gets the same id.
func SyntheticID(raw []byte) string {
	sum := sha256.Sum256(hashInput(raw))
	return hex.EncodeToString(sum[:16]) + "@no-message-id.centerdesk.invalid"
}

// forwardSubject matches the subject prefixes of forwarded mail.
var forwardSubject = regexp.MustCompile(`(?i)^\s*(fwd?|fw|wg|tr|rv|enc|vs|doorst)\s*:`)

func isForwardSubject(s string) bool { return forwardSubject.MatchString(s) }

// cleanHeader makes a decoded header one line of valid UTF-8.
func cleanHeader(s string) string {
	s = noNUL(strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}

// noNUL drops NUL characters, which PostgreSQL refuses in text and no
// reader needs.
func noNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// parts collects the attachments and inline parts worth keeping. Parts
// with no content are dropped; a part with no name gets one from its type.
func parts(env *enmime.Envelope) []Part {
	var out []Part
	add := func(p *enmime.Part, inline bool) {
		if len(p.Content) == 0 || isBodyPart(p) {
			return
		}
		ct := p.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		ct = noNUL(strings.ToValidUTF8(ct, ""))
		cid := strings.Trim(strings.TrimSpace(noNUL(strings.ToValidUTF8(p.ContentID, ""))), "<>")
		out = append(out, Part{Filename: partName(p.FileName, ct, len(out)+1), ContentType: ct,
			ContentID: cid, Inline: inline && cid != "", Content: p.Content})
	}
	for _, p := range env.Inlines {
		add(p, true)
	}
	for _, p := range env.Attachments {
		add(p, false)
	}
	for _, p := range env.OtherParts {
		// Images referenced by cid: without a disposition (Outlook, Apple
		// Mail) are inline; other parts (a calendar invite, a forwarded
		// message/rfc822) are attachments.
		add(p, strings.HasPrefix(p.ContentType, "image/"))
	}
	return out
}

// isBodyPart reports whether a part is a body text the envelope read
// already: some clients mark the body "inline".
func isBodyPart(p *enmime.Part) bool {
	return (p.ContentType == "text/plain" || p.ContentType == "text/html") && p.FileName == "" &&
		p.Disposition != "attachment"
}

// partName returns a file name for a part, making one from its type when
// the mail gave none.
func partName(name, contentType string, n int) string {
	name = strings.TrimSpace(noNUL(strings.ToValidUTF8(name, "\uFFFD")))
	if name != "" {
		return name
	}
	base := "attachment"
	switch contentType {
	case "message/rfc822", "message/global":
		return fmt.Sprintf("message-%d.eml", n)
	case "message/delivery-status", "message/global-delivery-status":
		return "delivery-status.txt"
	case "text/rfc822-headers", "message/rfc822-headers", "message/global-headers":
		return "original-headers.txt"
	}
	if strings.HasPrefix(contentType, "image/") {
		base = "image"
	}
	ext := ""
	if exts, _ := mime.ExtensionsByType(contentType); len(exts) > 0 {
		ext = exts[0]
	}
	return fmt.Sprintf("%s-%d%s", base, n, ext)
}

// firstID returns the first message id in a header, without brackets.
func firstID(h string) string {
	if ids := messageIDs(h); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// maxIDs bounds the ids read from one header (References of a very long
// thread, or a hostile one).
const maxIDs = 50

// messageIDs reads the ids of an In-Reply-To or References header:
// "<a@b> <c@d>", tolerating missing brackets, commas and comments. When
// there are more than maxIDs, the newest are kept.
func messageIDs(h string) []string {
	var ids []string
	for h != "" {
		open := strings.IndexByte(h, '<')
		if open < 0 {
			// No brackets at all: a bare id, as some clients write.
			for f := range strings.FieldsSeq(h) {
				if f = strings.Trim(f, ",;"); strings.Contains(f, "@") {
					ids = append(ids, f)
				}
			}
			break
		}
		end := strings.IndexByte(h[open:], '>')
		if end < 0 {
			break
		}
		if id := strings.TrimSpace(h[open+1 : open+end]); id != "" && !strings.ContainsAny(id, " \t") {
			ids = append(ids, id)
		}
		h = h[open+end+1:]
	}
	if len(ids) > maxIDs {
		ids = ids[len(ids)-maxIDs:]
	}
	for i, id := range ids {
		ids[i] = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return -1
			}
			return r
		}, strings.ToValidUTF8(id, ""))
	}
	return ids
}

// addresses reads an address header, tolerating what real mail gets wrong
// (missing commas, unbalanced brackets, raw 8-bit names) by falling back to
// finding the addresses in the text.
func addresses(env *enmime.Envelope, key, charset string) []Address {
	raw := env.GetHeader(key)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	list, err := env.AddressList(key)
	if err != nil {
		return scanAddresses(raw)
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		if addr, ok := normalAddr(a.Address); ok {
			out = append(out, Address{Name: cleanHeader(decode8bit(a.Name, charset)), Addr: addr})
		}
	}
	return out
}

// scanAddresses finds whatever looks like an address in a header the
// address parser refused.
func scanAddresses(raw string) []Address {
	var out []Address
	for f := range strings.FieldsFuncSeq(raw, func(r rune) bool {
		return r == ',' || r == ';' || r == '<' || r == '>' || r == ' ' || r == '"' || r == '\t'
	}) {
		if addr, ok := normalAddr(f); ok {
			out = append(out, Address{Addr: addr})
		}
	}
	return out
}

// normalAddr lower-cases an address and checks that it looks like one.
func normalAddr(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || !utf8.ValidString(s) || len(s) > 254 {
		return "", false
	}
	if _, err := mail.ParseAddress(s); err != nil {
		return "", false
	}
	return s, true
}
