package joining

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// Event types of joins. A join whose message came by another channel than
// the customer's previous contact on the ticket is a channel switch.
const (
	EventJoined          = "ticket.joined"
	EventChannelSwitched = "ticket.channel_switched"
)

// How a message came to join a ticket, in the event's data "via".
const (
	ViaSubject = "subject" // a mail without thread headers, by its subject
	ViaPortal  = "portal"  // the customer chose the ticket in the portal
	ViaAgent   = "agent"   // an agent added it instead of opening a ticket
	ViaMerge   = "merge"   // an agent joined a "possibly the same issue" ticket
)

// maxCandidates bounds the unsolved tickets offered to choose from.
const maxCandidates = 20

// Service applies the joining rules.
type Service struct {
	db      *db.DB
	tickets *ticket.Service
	links   *ticketlink.Service // a suggestion made links its tickets as related
	now     func() time.Time
}

// New returns a Service over d.
func New(d *db.DB, tickets *ticket.Service) *Service {
	return &Service{db: d, tickets: tickets, links: ticketlink.New(d, tickets), now: db.Now}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Unsolved returns the customer's unsolved tickets (as requester), most
// recently updated first, through ctx's transaction if it carries one.
func (s *Service) Unsolved(ctx context.Context, customerID int64) ([]Candidate, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT id, number, subject, status, channel, updated_at
		FROM tickets WHERE requester_id = $1 AND status IN ($2, $3, $4, $5)
		ORDER BY updated_at DESC, id DESC LIMIT $6`,
		customerID, unsolved[0], unsolved[1], unsolved[2], unsolved[3], maxCandidates)
	if err != nil {
		return nil, fmt.Errorf("joining: unsolved tickets of %d: %w", customerID, err)
	}
	defer rows.Close()
	out := []Candidate{}
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ID, &c.Number, &c.Subject, &c.Status, &c.Channel, db.ScanTime(&c.UpdatedAt)); err != nil {
			return nil, fmt.Errorf("joining: scan ticket: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InWindow returns the customer's unsolved tickets updated within the
// desk's join window.
func (s *Service) InWindow(ctx context.Context, customerID int64) ([]Candidate, error) {
	days, err := settings.JoinWindowDays(ctx, s.db.Reader(ctx))
	if err != nil {
		return nil, err
	}
	if days <= 0 {
		return nil, nil
	}
	all, err := s.Unsolved(ctx, customerID)
	if err != nil {
		return nil, err
	}
	return InWindow(all, s.now(), days), nil
}

// MailTarget returns the ticket a customer's mail without thread headers
// joins by its subject (see the package function MailTarget); ok is false
// when it opens a new ticket. It is half of mail.Joiner.
func (s *Service) MailTarget(ctx context.Context, customerID int64, subject string) (int64, bool, error) {
	cands, err := s.InWindow(ctx, customerID)
	if err != nil {
		return 0, false, err
	}
	c, ok := MailTarget(cands, subject)
	return c.ID, ok, nil
}

// MailJoined records that the customer's mail messageID joined ticket id
// by its subject. It is the other half of mail.Joiner.
func (s *Service) MailJoined(ctx context.Context, id, messageID, customerID int64) error {
	_, err := s.RecordJoin(ctx, Join{TicketID: id, MessageID: messageID, Channel: "email", Via: ViaSubject,
		ActorType: events.ActorCustomer, ActorID: &customerID})
	return err
}

// Join is one message joining a ticket, as RecordJoin records it.
type Join struct {
	TicketID  int64
	MessageID int64  // the message that joined; 0 for a merge
	Channel   string // the channel the message came by
	Via       string // ViaSubject, ViaPortal, ViaAgent, ViaMerge
	// FromTicketID and FromNumber name the ticket merged in, for ViaMerge.
	FromTicketID, FromNumber int64
	// ActorType and ActorID say who joined it; empty: the actor in ctx.
	ActorType string
	ActorID   *int64
	// Previous is the customer's previous channel on the ticket when the
	// caller read it before the join moved messages (a merge); empty: read
	// from the ticket's messages.
	Previous string
}

// RecordJoin appends the join's event to its ticket, in ctx's transaction
// (or one of its own): ticket.channel_switched when the message came by
// another channel than the customer's previous contact on the ticket,
// ticket.joined otherwise. It returns the event's type.
func (s *Service) RecordJoin(ctx context.Context, j Join) (string, error) {
	var typ string
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		prev := j.Previous
		if prev == "" {
			var err error
			if prev, err = previousChannel(ctx, tx, j.TicketID, j.MessageID); err != nil {
				return err
			}
		}
		typ = EventJoined
		if prev != j.Channel {
			typ = EventChannelSwitched
		}
		data := map[string]any{"via": j.Via, "channel": j.Channel, "previous_channel": prev}
		if j.MessageID != 0 {
			data["message_id"] = j.MessageID
		}
		if j.FromTicketID != 0 {
			data["from_ticket_id"], data["from_number"] = j.FromTicketID, j.FromNumber
		}
		return events.Append(ctx, tx, &events.Event{TicketID: j.TicketID, Type: typ, At: s.now(),
			ActorType: j.ActorType, ActorID: j.ActorID, Data: data})
	})
	return typ, err
}

// previousChannel is the channel of the customer's latest contact on a
// ticket: the channel of their last message on it other than except (the
// message that is joining), logged calls included, else the channel the
// ticket was opened by.
func previousChannel(ctx context.Context, q db.Queryer, ticketID, except int64) (string, error) {
	var ch string
	err := q.QueryRowContext(ctx, `SELECT channel FROM messages
		WHERE ticket_id = $1 AND author_type = 'customer' AND id <> $2
		ORDER BY created_at DESC, id DESC LIMIT 1`, ticketID, except).Scan(&ch)
	if err == nil {
		return ch, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("joining: last customer message of %d: %w", ticketID, err)
	}
	err = q.QueryRowContext(ctx, `SELECT channel FROM tickets WHERE id = $1`, ticketID).Scan(&ch)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFound("ticket")
	}
	if err != nil {
		return "", fmt.Errorf("joining: channel of %d: %w", ticketID, err)
	}
	return ch, nil
}

// UnsolvedOfCustomer is Unsolved for a customer who must exist: an
// unknown id is NotFound rather than an empty list.
func (s *Service) UnsolvedOfCustomer(ctx context.Context, customerID int64) ([]Candidate, error) {
	if err := exists(ctx, s.db.Reader(ctx), `SELECT 1 FROM customers WHERE id = $1`, customerID, "customer"); err != nil {
		return nil, err
	}
	return s.Unsolved(ctx, customerID)
}

// SuggestionsOfTicket is Suggestions for a ticket that must exist.
func (s *Service) SuggestionsOfTicket(ctx context.Context, id int64) ([]Suggestion, error) {
	if err := exists(ctx, s.db.Reader(ctx), `SELECT 1 FROM tickets WHERE id = $1`, id, "ticket"); err != nil {
		return nil, err
	}
	return s.Suggestions(ctx, id)
}

// exists answers NotFound(what) when query finds no row for id.
func exists(ctx context.Context, q db.Queryer, query string, id int64, what string) error {
	var one int
	err := q.QueryRowContext(ctx, query, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	if err != nil {
		return fmt.Errorf("joining: find %s %d: %w", what, id, err)
	}
	return nil
}
