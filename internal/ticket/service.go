package ticket

import (
	"context"
	"database/sql"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// Event types a ticket raises.
const (
	EventCreated      = "ticket.created"
	EventMessageAdded = "message.added"
)

// Service manages tickets. Agents and admins see every ticket for now.
type Service struct {
	db    *db.DB
	now   func() time.Time
	hooks hooks // see hooks.go
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

// Requester says who a new ticket is from.
type Requester struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// NewTicket is what it takes to open a ticket: whoever asks, and their first
// message.
type NewTicket struct {
	Subject   string    `json:"subject"`
	Requester Requester `json:"requester"`
	Body      string    `json:"body"`
	Priority  string    `json:"priority"` // "normal" when empty
	Tags      []string  `json:"tags"`
	Channel   string    `json:"channel"`
	// BodyHTML is the first message in HTML, sanitised before it is
	// stored; Body may then be left empty and is derived from it.
	BodyHTML string `json:"body_html"`
	// Attachments are uploads to attach to the first message.
	Attachments []int64 `json:"attachments"`
	// CustomFields sets custom field values by field key.
	CustomFields map[string]any `json:"custom_fields"`
}

// validate checks n and returns the ticket it describes, without its
// requester.
func (n NewTicket) validate(now time.Time) (*Ticket, error) {
	subject, err := checkSubject(n.Subject)
	if err != nil {
		return nil, err
	}
	if err := checkBodies(n.Body, n.BodyHTML); err != nil {
		return nil, err
	}
	if n.Priority == "" {
		n.Priority = "normal"
	}
	if err := oneOf("priority", n.Priority, Priorities); err != nil {
		return nil, err
	}
	if err := oneOf("channel", n.Channel, Channels); err != nil {
		return nil, err
	}
	tags, err := normalizeTags(n.Tags)
	if err != nil {
		return nil, err
	}
	return &Ticket{Subject: subject, Status: "new", Priority: n.Priority, Channel: n.Channel,
		Tags: tags, CustomFields: map[string]any{}, CreatedAt: now, UpdatedAt: now}, nil
}

// Create opens a ticket in one transaction: the requester (found or made by
// email address), the ticket with the next number, its first message from
// the requester, and the ticket.created and message.added events.
func (s *Service) Create(ctx context.Context, n NewTicket) (*Ticket, error) {
	t, err := n.validate(s.now())
	if err != nil {
		return nil, err
	}
	body, html, err := messageBody(n.Body, n.BodyHTML)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		clear(t.CustomFields) // a retried transaction starts again
		_, writes, err := applyFields(ctx, tx, t, n.CustomFields)
		if err != nil {
			return err
		}
		requesterID, err := customer.ResolveEmailID(ctx, tx, n.Requester.Email, n.Requester.Name)
		if err != nil {
			return requesterError(err)
		}
		t.RequesterID = requesterID
		// The requester's first message starts their wait: written with
		// the row, so storing the message needs no second write to it.
		since := t.CreatedAt
		t.WaitingSince = &since
		if t.Number, err = s.nextNumber(ctx, tx); err != nil {
			return err
		}
		if err := insertTicket(ctx, tx, t); err != nil {
			return err
		}
		if err := replaceTags(ctx, tx, t.ID, t.Tags); err != nil {
			return err
		}
		if err := writeFields(ctx, tx, t.ID, writes); err != nil {
			return err
		}
		m := &Message{TicketID: t.ID, Kind: KindReply, AuthorType: events.ActorCustomer,
			AuthorID: &requesterID, Body: body, BodyHTML: html, CreatedAt: t.CreatedAt}
		if err := storeMessage(ctx, tx, t, m, n.Attachments); err != nil {
			return err
		}
		// Both events in one statement; created comes first in the history.
		if err := events.AppendAll(ctx, tx, createdEvent(t), messageAdded(m)); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, t, m)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// requesterError names the requester's fields as the client sent them.
func requesterError(err error) error {
	if e, ok := apperr.As(err); ok && e.Field != "" {
		e.Field = "requester." + e.Field
	}
	return err
}

func createdEvent(t *Ticket) *events.Event {
	return &events.Event{TicketID: t.ID, Type: EventCreated, At: t.CreatedAt,
		Data: map[string]any{
			"number": t.Number, "subject": t.Subject, "status": t.Status, "priority": t.Priority,
			"channel": t.Channel, "requester_id": t.RequesterID, "tags": t.Tags,
			"custom_fields": t.CustomFields,
		}}
}

// Get returns a ticket by id.
func (s *Service) Get(ctx context.Context, id int64) (*Ticket, error) {
	return getTicket(ctx, s.db.Reader(ctx), id)
}

// Messages returns a ticket's messages, oldest first.
func (s *Service) Messages(ctx context.Context, id int64) ([]*Message, error) {
	if _, err := getTicket(ctx, s.db.Reader(ctx), id); err != nil {
		return nil, err
	}
	return listMessages(ctx, s.db.Reader(ctx), id)
}

// Events returns a ticket's events, oldest first.
func (s *Service) Events(ctx context.Context, id int64) ([]events.Event, error) {
	if _, err := getTicket(ctx, s.db.Reader(ctx), id); err != nil {
		return nil, err
	}
	return events.List(ctx, s.db.Reader(ctx), id)
}
