package mail

import (
	"context"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/mailbox"
)

// DBDirectory finds the configured mailboxes through internal/mailbox.
// Lookups read through the transaction the context carries (intake asks
// from inside its own), so they never take a second connection.
type DBDirectory struct {
	Mailboxes *mailbox.Service
	// SMTPOnly hides the mailboxes that do not take mail on the SMTP
	// listener (inbound_smtp off): the listener's directory, so that it
	// accepts exactly the addresses configured for it.
	SMTPOnly bool
}

// Lookup returns the mailbox with address addr (in any case), or an apperr
// NotFound error when it is not one of ours; a malformed address is not
// one of ours either.
func (d DBDirectory) Lookup(ctx context.Context, addr string) (*Mailbox, error) {
	m, err := d.Mailboxes.ByAddress(ctx, addr)
	if apperr.Is(err, apperr.KindInvalid) {
		return nil, apperr.NotFound("mailbox")
	}
	if err != nil {
		return nil, err
	}
	if d.SMTPOnly && !m.InboundSMTP {
		return nil, apperr.NotFound("mailbox")
	}
	return FromMailbox(m), nil
}

// FromMailbox is what intake needs of a configured mailbox.
func FromMailbox(m *mailbox.Mailbox) *Mailbox {
	return &Mailbox{ID: m.ID, Address: m.Address, TeamID: m.TeamID}
}
