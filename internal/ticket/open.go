package ticket

import (
	"context"
	"database/sql"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/events"
)

// AgentChannels are the channels an agent opens a ticket on by hand: a
// phone call, a visitor at the desk, anything else. Mail, the portal and
// the API open their own tickets as their messages arrive.
var AgentChannels = []string{"phone", "walk_in", "other"}

// Opening is a ticket an agent opens for a customer who reached them
// outside the desk's own channels. The first message is the agent's: an
// internal note (the customer gets nothing) or a reply, which the message
// hooks send to the customer by email like any other reply, so the
// customer's answer threads into the ticket.
type Opening struct {
	CustomerID int64
	Subject    string
	Channel    string // one of AgentChannels
	Message    NewMessage
}

// Open opens a ticket for an existing customer with the agent's first
// message, in one transaction (joining the caller's, if ctx carries one):
// the ticket with the next number, the message, the ticket.created and
// message.added events, and the hooks' work (the email of a reply). The
// ticket starts open, since an agent has it in hand; a reply counts as its
// first reply.
func (s *Service) Open(ctx context.Context, o Opening) (*Ticket, *Message, error) {
	authorType, authorID := events.ActorFrom(ctx)
	if authorType != events.ActorAgent {
		return nil, nil, apperr.Unauthorized("sign in to open a ticket")
	}
	t, err := NewTicket{Subject: o.Subject, Channel: o.Channel,
		Body: o.Message.Body, BodyHTML: o.Message.BodyHTML}.validate(s.now())
	if err != nil {
		return nil, nil, err
	}
	if err := oneOf("channel", o.Channel, AgentChannels); err != nil {
		return nil, nil, err
	}
	if err := oneOf("kind", o.Message.Kind, MessageKinds); err != nil {
		return nil, nil, err
	}
	body, html, err := messageBody(o.Message.Body, o.Message.BodyHTML)
	if err != nil {
		return nil, nil, err
	}
	t.Status = "open"
	m := &Message{Kind: o.Message.Kind, AuthorType: authorType, AuthorID: authorID,
		Body: body, BodyHTML: html, CreatedAt: t.CreatedAt}
	if m.Kind == KindReply {
		t.FirstReplyAt = &m.CreatedAt
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := checkRecipient(ctx, tx, o.CustomerID, m.Kind); err != nil {
			return err
		}
		t.RequesterID = o.CustomerID
		if t.Number, err = s.nextNumber(ctx, tx); err != nil {
			return err
		}
		if err := insertTicket(ctx, tx, t); err != nil {
			return err
		}
		m.TicketID = t.ID
		if err := storeMessage(ctx, tx, t, m, o.Message.Attachments); err != nil {
			return err
		}
		// Both events in one statement; created comes first in the history.
		if err := events.AppendAll(ctx, tx, createdEvent(t), messageAdded(m)); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, t, m)
	})
	if err != nil {
		return nil, nil, err
	}
	return t, m, nil
}

// checkRecipient refuses a ticket for a customer who does not exist or was
// erased, and a reply to a customer with no email address to send it to.
func checkRecipient(ctx context.Context, tx *sql.Tx, customerID int64, kind string) error {
	if customerID <= 0 {
		return apperr.Invalid("customer_id", "is required: choose a customer or add a new one")
	}
	c, err := customer.Get(ctx, tx, customerID)
	if apperr.Is(err, apperr.KindNotFound) {
		return apperr.Unprocessable("customer_id", "no customer has id %d", customerID)
	}
	if err != nil {
		return err
	}
	if c.ErasedAt != nil {
		return apperr.Unprocessable("customer_id", "the customer's data was erased; open the ticket for another")
	}
	if kind == KindReply && c.Email == "" {
		name := strings.TrimSpace(c.Name)
		if name == "" {
			name = "the customer"
		}
		return apperr.Unprocessable("kind", "%s has no email address to send to: add one, or write an internal note", name)
	}
	return nil
}
