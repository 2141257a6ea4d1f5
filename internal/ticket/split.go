package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// EventSplit is appended to both tickets of a split.
const EventSplit = "ticket.split"

// Split asks to move one message of a ticket into a new ticket.
type Split struct {
	MessageID int64  `json:"message_id"`
	Subject   string `json:"subject"` // the old ticket's subject when empty
}

// movedMessage is what a split needs to know of the message it moves.
type movedMessage struct {
	ticketID   int64
	kind       string
	authorType string
	createdAt  time.Time
}

// Split moves one message of ticket id into a new ticket with the next
// number and the same requester, priority, channel and team, linked to the
// old one (split_from), with a ticket.split event on both, in one
// transaction. A ticket keeps at least one message, and a closed ticket
// stays as it was closed.
func (s *Service) Split(ctx context.Context, id int64, sp Split) (*Ticket, error) {
	if sp.MessageID <= 0 {
		return nil, apperr.Invalid("message_id", "is required")
	}
	var out *Ticket
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		if err := lockLinks(ctx, tx); err != nil {
			return err
		}
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		old, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		m, err := checkSplit(ctx, tx, old, sp.MessageID)
		if err != nil {
			return err
		}
		t, err := splitTicket(old, sp.Subject, m, now)
		if err != nil {
			return err
		}
		if err := s.insertSplit(ctx, tx, old, t, sp.MessageID); err != nil {
			return err
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkSplit refuses to split a closed ticket, a message of another ticket
// or a ticket's only message.
func checkSplit(ctx context.Context, q db.Queryer, old *Ticket, messageID int64) (*movedMessage, error) {
	if old.Status == "closed" {
		return nil, apperr.Unprocessable("id", "ticket #%d is closed and cannot be split", old.Number)
	}
	var m movedMessage
	err := q.QueryRowContext(ctx, `SELECT ticket_id, kind, author_type, created_at FROM messages WHERE id = $1`,
		messageID).Scan(&m.ticketID, &m.kind, &m.authorType, db.ScanTime(&m.createdAt))
	if errors.Is(err, sql.ErrNoRows) || err == nil && m.ticketID != old.ID {
		return nil, apperr.Unprocessable("message_id", "ticket #%d has no message %d", old.Number, messageID)
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: read message %d: %w", messageID, err)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE ticket_id = $1`, old.ID).Scan(&n); err != nil {
		return nil, fmt.Errorf("ticket: count messages of %d: %w", old.ID, err)
	}
	if n < 2 {
		return nil, apperr.Unprocessable("message_id", "is the only message of ticket #%d: a ticket keeps at least one", old.Number)
	}
	return &m, nil
}

// splitTicket returns the new ticket a split makes from old. If the moved
// message is an agent's reply, it is the new ticket's first reply.
func splitTicket(old *Ticket, subject string, m *movedMessage, now time.Time) (*Ticket, error) {
	if subject == "" {
		subject = old.Subject
	}
	subject, err := checkSubject(subject)
	if err != nil {
		return nil, err
	}
	t := &Ticket{Subject: subject, Status: "new", Priority: old.Priority, Channel: old.Channel,
		RequesterID: old.RequesterID, TeamID: old.TeamID, Tags: []string{}, CustomFields: map[string]any{},
		CreatedAt: now, UpdatedAt: now}
	if m.kind == KindReply && m.authorType == events.ActorAgent {
		t.FirstReplyAt = &m.createdAt
	}
	return t, nil
}

// insertSplit stores the new ticket t, moves the message into it, links it
// to old and appends the events of both.
func (s *Service) insertSplit(ctx context.Context, tx *sql.Tx, old, t *Ticket, messageID int64) error {
	var err error
	if t.Number, err = s.nextNumber(ctx, tx); err != nil {
		return err
	}
	if err := insertTicket(ctx, tx, t); err != nil {
		return err
	}
	if t.FirstReplyAt != nil {
		if err := saveTicket(ctx, tx, t); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET ticket_id = $1 WHERE id = $2`, t.ID, messageID); err != nil {
		return fmt.Errorf("ticket: move message %d: %w", messageID, err)
	}
	if err := recountWaiting(ctx, tx, old.ID, t.ID); err != nil {
		return err
	}
	if _, err := insertLink(ctx, tx, t.ID, old.ID, kindSplitFrom, t.CreatedAt); err != nil {
		return err
	}
	old.UpdatedAt = t.CreatedAt
	if err := saveTicket(ctx, tx, old); err != nil {
		return err
	}
	if err := events.Append(ctx, tx, createdEvent(t)); err != nil {
		return err
	}
	for _, e := range []*events.Event{
		{TicketID: t.ID, Type: EventSplit, At: t.CreatedAt,
			Data: map[string]any{"from": old.ID, "from_number": old.Number, "message_id": messageID}},
		{TicketID: old.ID, Type: EventSplit, At: t.CreatedAt,
			Data: map[string]any{"into": t.ID, "into_number": t.Number, "message_id": messageID}},
	} {
		if err := events.Append(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
