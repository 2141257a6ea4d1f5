// Package mailbox holds the support addresses that the email channel takes
// mail in at and sends replies from: where mail comes from (Centerdesk's own
// SMTP listener, an IMAP account, or both), which SMTP relay replies leave
// through, which team new tickets go to, and the acknowledgement new tickets
// get. Passwords are sealed with the instance's key (internal/secret) and
// never leave this package except to the poller and the sender that need
// them (IMAPPassword, SMTPPassword).
package mailbox

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Connection security of an IMAP or SMTP connection.
const (
	SecurityTLS      = "tls"      // TLS from the first byte (IMAPS 993, SMTPS 465)
	SecurityStartTLS = "starttls" // plain connection upgraded with STARTTLS, which is required
	SecurityNone     = "none"     // no encryption: only for a relay on a trusted network
)

// Mailbox is one support address. The sealed passwords are kept unexported
// so no encoder can show them; HasIMAPPassword and HasSMTPPassword say
// whether one is set.
type Mailbox struct {
	ID          int64  `json:"id"`
	Address     string `json:"address"` // lower-cased
	Name        string `json:"name"`    // display name on mail we send
	TeamID      *int64 `json:"team_id"`
	InboundSMTP bool   `json:"inbound_smtp"` // accept mail for it on the SMTP listener

	IMAPHost        string `json:"imap_host"` // "" when mail is not polled by IMAP
	IMAPPort        int    `json:"imap_port"`
	IMAPSecurity    string `json:"imap_security"`
	IMAPUser        string `json:"imap_user"`
	HasIMAPPassword bool   `json:"has_imap_password"`
	IMAPFolder      string `json:"imap_folder"`
	IMAPMoveTo      string `json:"imap_move_to"` // "" flags fetched mail \Seen instead of moving it

	SMTPHost        string `json:"smtp_host"` // "" when replies cannot be sent from it
	SMTPPort        int    `json:"smtp_port"`
	SMTPSecurity    string `json:"smtp_security"`
	SMTPUser        string `json:"smtp_user"`
	HasSMTPPassword bool   `json:"has_smtp_password"`

	AckEnabled bool   `json:"ack_enabled"`
	AckSubject string `json:"ack_subject"` // template; "" uses DefaultAckSubject
	AckBody    string `json:"ack_body"`    // template; "" uses DefaultAckBody

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	imapSealed string
	smtpSealed string
}

// CanSend reports whether replies can leave from this mailbox.
func (m *Mailbox) CanSend() bool { return m.SMTPHost != "" }

// PollsIMAP reports whether mail is fetched for this mailbox by IMAP.
func (m *Mailbox) PollsIMAP() bool { return m.IMAPHost != "" }

// NewMailbox is what it takes to create a mailbox. Unset booleans take
// their defaults (inbound SMTP on, acknowledgements on); zero ports take the
// usual port for the security chosen.
type NewMailbox struct {
	Address      string `json:"address"`
	Name         string `json:"name"`
	TeamID       *int64 `json:"team_id"`
	InboundSMTP  *bool  `json:"inbound_smtp"`
	IMAPHost     string `json:"imap_host"`
	IMAPPort     int    `json:"imap_port"`
	IMAPSecurity string `json:"imap_security"`
	IMAPUser     string `json:"imap_user"`
	IMAPPassword string `json:"imap_password"`
	IMAPFolder   string `json:"imap_folder"`
	IMAPMoveTo   string `json:"imap_move_to"`
	SMTPHost     string `json:"smtp_host"`
	SMTPPort     int    `json:"smtp_port"`
	SMTPSecurity string `json:"smtp_security"`
	SMTPUser     string `json:"smtp_user"`
	SMTPPassword string `json:"smtp_password"`
	AckEnabled   *bool  `json:"ack_enabled"`
	AckSubject   string `json:"ack_subject"`
	AckBody      string `json:"ack_body"`
}

// Patch changes a mailbox; nil fields stay as they are. A password set to
// "" removes it. TeamID cannot tell "leave" from "clear" on its own, so
// ClearTeam clears it.
type Patch struct {
	Address      *string `json:"address"`
	Name         *string `json:"name"`
	TeamID       *int64  `json:"team_id"`
	ClearTeam    bool    `json:"clear_team"`
	InboundSMTP  *bool   `json:"inbound_smtp"`
	IMAPHost     *string `json:"imap_host"`
	IMAPPort     *int    `json:"imap_port"`
	IMAPSecurity *string `json:"imap_security"`
	IMAPUser     *string `json:"imap_user"`
	IMAPPassword *string `json:"imap_password"`
	IMAPFolder   *string `json:"imap_folder"`
	IMAPMoveTo   *string `json:"imap_move_to"`
	SMTPHost     *string `json:"smtp_host"`
	SMTPPort     *int    `json:"smtp_port"`
	SMTPSecurity *string `json:"smtp_security"`
	SMTPUser     *string `json:"smtp_user"`
	SMTPPassword *string `json:"smtp_password"`
	AckEnabled   *bool   `json:"ack_enabled"`
	AckSubject   *string `json:"ack_subject"`
	AckBody      *string `json:"ack_body"`
}

// Limits on what a mailbox holds.
const (
	MaxName       = 200   // characters
	MaxHost       = 253   // characters, a DNS name's limit
	MaxUser       = 320   // characters
	MaxPassword   = 1024  // bytes
	MaxFolder     = 200   // characters
	MaxAckSubject = 500   // characters
	MaxAckBody    = 20000 // characters
)

func checkAddress(s string) (string, error) {
	return user.NormalizeEmail("address", s)
}

func checkText(field, s string, limit int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > limit {
		return "", apperr.Invalid(field, "is longer than %d characters", limit)
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		// These end up in mail headers and protocol commands.
		return "", apperr.Invalid(field, "must be one line")
	}
	return s, nil
}

func checkHost(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > MaxHost {
		return "", apperr.Invalid(field, "is longer than %d characters", MaxHost)
	}
	for _, r := range s {
		if !(r == '.' || r == '-' || r == '_' || r == ':' || r == '[' || r == ']' ||
			unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return "", apperr.Invalid(field, "is not a host name or address")
		}
	}
	return s, nil
}

func checkSecurity(field, s, fallback string) (string, error) {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "":
		return fallback, nil
	case SecurityTLS, SecurityStartTLS, SecurityNone:
		return s, nil
	}
	return "", apperr.Invalid(field, "must be tls, starttls or none")
}

func checkPort(field string, port int) error {
	if port < 0 || port > 65535 {
		return apperr.Invalid(field, "must be between 1 and 65535")
	}
	return nil
}

func checkPassword(field, s string) error {
	if len(s) > MaxPassword {
		return apperr.Invalid(field, "is longer than %d bytes", MaxPassword)
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		return apperr.Invalid(field, "must be one line")
	}
	return nil
}

// defaultIMAPPort and defaultSMTPPort are the usual ports for a security.
func defaultIMAPPort(security string) int {
	if security == SecurityTLS {
		return 993
	}
	return 143
}

func defaultSMTPPort(security string) int {
	switch security {
	case SecurityTLS:
		return 465
	case SecurityStartTLS:
		return 587
	}
	return 25
}
