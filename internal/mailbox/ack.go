package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// AckData is what an acknowledgement template can show: {{.Number}},
// {{.Subject}}, {{.CustomerName}}, {{.MailboxName}} and {{.Address}}.
type AckData struct {
	Number       int64  // the new ticket's number
	Subject      string // the ticket's subject
	CustomerName string
	MailboxName  string // the mailbox's display name, or its address when it has none
	Address      string // the mailbox's address
}

// The acknowledgement a mailbox sends when its templates are empty.
const (
	DefaultAckSubject = "We received your request: {{.Subject}}"
	DefaultAckBody    = `Hello {{.CustomerName}},

Thank you for writing to us. We received your request and opened ticket #{{.Number}} for it; we will answer as soon as we can.

To add anything, reply to this email and keep the ticket number in the subject.

{{.MailboxName}}
`
)

// maxRendered bounds what a template may expand to (a {{range}} cannot
// loop over anything in AckData, but text can still be repeated by hand).
const maxRendered = 100_000

func parseAck(name, text, fallback string) (*template.Template, error) {
	if strings.TrimSpace(text) == "" {
		text = fallback
	}
	return template.New(name).Option("missingkey=error").Parse(text)
}

// checkAckTemplates parses the templates and renders them once with sample
// data, so that a template naming a field AckData lacks is refused when it
// is saved rather than when a customer writes in.
func checkAckTemplates(subject, body string) error {
	if utf8.RuneCountInString(body) > MaxAckBody {
		return apperr.Invalid("ack_body", "is longer than %d characters", MaxAckBody)
	}
	sample := AckData{Number: 1, Subject: "subject", CustomerName: "name", MailboxName: "desk", Address: "desk@example.com"}
	for _, c := range []struct{ field, text, fallback string }{
		{"ack_subject", subject, DefaultAckSubject}, {"ack_body", body, DefaultAckBody},
	} {
		t, err := parseAck(c.field, c.text, c.fallback)
		if err != nil {
			return apperr.Invalid(c.field, "is not a valid template: %s", templateError(err))
		}
		if _, err := execute(t, sample); err != nil {
			return apperr.Invalid(c.field, "is not a valid template: %s", templateError(err))
		}
	}
	return nil
}

// RenderAck returns the acknowledgement of a new ticket from m's templates
// (or the defaults). The subject comes back on one line.
func RenderAck(m *Mailbox, d AckData) (subject, body string, err error) {
	if d.MailboxName == "" {
		d.MailboxName = m.Name
	}
	if d.MailboxName == "" {
		d.MailboxName = m.Address
	}
	d.Address = m.Address
	st, err := parseAck("ack_subject", m.AckSubject, DefaultAckSubject)
	if err != nil {
		return "", "", fmt.Errorf("mailbox %d: ack subject: %w", m.ID, err)
	}
	bt, err := parseAck("ack_body", m.AckBody, DefaultAckBody)
	if err != nil {
		return "", "", fmt.Errorf("mailbox %d: ack body: %w", m.ID, err)
	}
	if subject, err = execute(st, d); err != nil {
		return "", "", fmt.Errorf("mailbox %d: ack subject: %w", m.ID, err)
	}
	if body, err = execute(bt, d); err != nil {
		return "", "", fmt.Errorf("mailbox %d: ack body: %w", m.ID, err)
	}
	return strings.Join(strings.Fields(subject), " "), body, nil
}

var errTooLong = errors.New("renders to more than 100,000 bytes")

func execute(t *template.Template, d AckData) (string, error) {
	var b limitedBuffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// limitedBuffer stops a template that writes too much.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxRendered {
		return 0, errTooLong
	}
	return b.Buffer.Write(p)
}

// templateError drops the template package's prefix ("template: name:1:")
// down to what a person can act on.
func templateError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "template:") {
		return msg[i+2:]
	}
	return msg
}
