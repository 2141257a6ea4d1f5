package mail

import (
	"bufio"
	"bytes"
	"net/textproto"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// Bounce is what a delivery status notification (RFC 3464) says about the
// mail it bounces.
type Bounce struct {
	// OriginalID is the Message-ID of the bounced mail, "" when the report
	// does not quote it.
	OriginalID string
	Recipient  string // the address that failed
	Status     string // e.g. 5.1.1
	Action     string // failed, delayed, delivered, relayed, expanded
	Reason     string // the remote server's diagnostic, or the status
}

// Failed reports whether the report says the mail was not delivered (a
// delay notice is not a failure).
func (b *Bounce) Failed() bool {
	return b.Action == "" || b.Action == "failed" || strings.HasPrefix(b.Status, "5")
}

// readBounce reads a multipart/report delivery status notification, or
// returns nil for any other mail.
func readBounce(env *enmime.Envelope) *Bounce {
	if env.Root == nil || env.Root.ContentType != "multipart/report" {
		return nil
	}
	b := &Bounce{}
	isReport := false
	_ = env.Root.DepthMatchAll(func(p *enmime.Part) bool {
		switch p.ContentType {
		case "message/delivery-status", "message/global-delivery-status":
			isReport = true
			readStatus(b, p.Content)
		case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global",
			"message/global-headers":
			if b.OriginalID == "" {
				b.OriginalID = quotedMessageID(p.Content)
			}
		}
		return false
	})
	if !isReport {
		return nil
	}
	if b.Reason == "" {
		b.Reason = strings.TrimSpace(b.Action + " " + b.Status)
	}
	return b
}

// readStatus reads the per-recipient fields of a delivery-status part,
// keeping the first recipient's.
func readStatus(b *Bounce, content []byte) {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(content)))
	for range 20 { // the per-message block, then one per recipient
		h, err := r.ReadMIMEHeader()
		if h.Get("Final-Recipient") != "" || h.Get("Original-Recipient") != "" || h.Get("Action") != "" {
			rcpt := h.Get("Final-Recipient")
			if rcpt == "" {
				rcpt = h.Get("Original-Recipient")
			}
			if _, addr, ok := strings.Cut(rcpt, ";"); ok {
				rcpt = addr
			}
			// Stored in notes and the delivery error: text, like any header.
			b.Recipient = strings.ToLower(cleanHeader(rcpt))
			b.Action = strings.ToLower(cleanHeader(h.Get("Action")))
			b.Status = cleanHeader(h.Get("Status"))
			diag := h.Get("Diagnostic-Code")
			if _, text, ok := strings.Cut(diag, ";"); ok {
				diag = text
			}
			b.Reason = cleanHeader(diag)
			return
		}
		if err != nil {
			return
		}
	}
}

// quotedMessageID finds the Message-ID in the headers of a quoted mail.
func quotedMessageID(content []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(content)))
	h, _ := r.ReadMIMEHeader()
	return firstID(h.Get("Message-Id"))
}
