package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// Intake is how channels that receive customers' messages (email today)
// store them: a new ticket, a message on an existing one, a system note, a
// follow-up link, followers. Each call runs in a transaction of its own, or
// joins the one its context carries (db.InTx), which is how the mail intake
// stores a whole message in one transaction.
//
// Unlike the API, intake never refuses what a customer wrote: a body that is
// empty, too large or not UTF-8 is stored as well as it can be (the caller
// keeps the original), since a mail server cannot be asked to resend it
// differently.

// Event types of intake.
const (
	EventFollowerAdded = "ticket.follower_added"
)

// Received is a customer's message as a channel received it.
type Received struct {
	CustomerID int64
	// Subject is the new ticket's subject; unused on an existing ticket.
	Subject  string
	Body     string // plain text
	BodyHTML string // HTML as sent, sanitised here
	// Attachments are uploads the system stored (uploaded_by NULL).
	Attachments []int64
	Channel     string
	TeamID      *int64 // the team a new ticket goes to
}

// placeholderBody stands in for a message with no text at all (an
// attachment alone, an empty mail).
const placeholderBody = "(no text)"

// receivedBody returns the text and sanitised HTML stored for a received
// message. It never fails: invalid UTF-8 is repaired, text too large is cut
// (the original is kept by the channel), HTML too large or holding no text
// is dropped in favour of the text.
func receivedBody(text, rawHTML string) (string, string) {
	// PostgreSQL refuses NUL in text; no reader needs it.
	text = truncateUTF8(strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\x00", ""), MaxBody)
	rawHTML = strings.ReplaceAll(rawHTML, "\x00", "")
	html := ""
	if strings.TrimSpace(rawHTML) != "" && len(rawHTML) <= 4*MaxBody {
		html = htmlsafe.Sanitize(strings.ToValidUTF8(rawHTML, "\uFFFD"))
		if len(html) > MaxBody {
			html = ""
		}
	}
	if strings.TrimSpace(text) == "" && html != "" {
		text = truncateUTF8(htmlsafe.Text(html), MaxBody)
	}
	if strings.TrimSpace(text) == "" {
		text = placeholderBody
	}
	return text, html
}

// receivedSubject returns a usable subject for a new ticket.
func receivedSubject(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")), " ")
	if s == "" {
		return "(no subject)"
	}
	if utf8.RuneCountInString(s) > MaxSubject {
		s = string([]rune(s)[:MaxSubject-1]) + "…"
	}
	return s
}

// OpenReceived opens a ticket from a customer's first message: the ticket
// (status new, requester r.CustomerID), its message authored by the
// customer with r's attachments, and the ticket.created and message.added
// events.
func (s *Service) OpenReceived(ctx context.Context, r Received) (*Ticket, *Message, error) {
	if err := oneOf("channel", r.Channel, Channels); err != nil {
		return nil, nil, err
	}
	now := s.now()
	body, html := receivedBody(r.Body, r.BodyHTML)
	var t *Ticket
	var m *Message
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t = &Ticket{Subject: receivedSubject(r.Subject), Status: "new", Priority: "normal",
			Channel: r.Channel, RequesterID: r.CustomerID, TeamID: r.TeamID, Tags: []string{},
			CustomFields: map[string]any{}, CreatedAt: now, UpdatedAt: now}
		// The customer's first message starts their wait: written with the
		// row, so storing the message needs no second write to it.
		t.WaitingSince = &now
		var err error
		if t.Number, err = s.nextNumber(ctx, tx); err != nil {
			return err
		}
		if err := insertTicket(ctx, tx, t); err != nil {
			return err
		}
		m = &Message{TicketID: t.ID, Kind: KindReply, AuthorType: events.ActorCustomer,
			AuthorID: &r.CustomerID, Body: body, BodyHTML: html, CreatedAt: now, Channel: r.Channel}
		if err := storeMessage(ctx, tx, t, m, r.Attachments); err != nil {
			return err
		}
		return events.AppendAll(ctx, tx, createdEvent(t), messageAdded(m))
	})
	if err != nil {
		return nil, nil, err
	}
	return t, m, nil
}

// ErrClosed is returned by AppendReceived for a closed ticket: closed is
// final, and the caller opens a follow-up instead.
var ErrClosed = errors.New("ticket: the ticket is closed")

// Appended is what AppendReceived did.
type Appended struct {
	Ticket   *Ticket
	Message  *Message // nil when the ticket was closed
	Reopened bool
}

// AppendReceived adds a customer's message to ticket id. A customer writing
// back reopens a ticket that waited on them or was solved (status open,
// with its events), unless reopen is false (an auto-reply must not undo a
// solve). A closed ticket is refused with ErrClosed, and the result holds
// the ticket.
func (s *Service) AppendReceived(ctx context.Context, id int64, r Received, reopen bool) (*Appended, error) {
	now := s.now()
	body, html := receivedBody(r.Body, r.BodyHTML)
	var out Appended
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = Appended{}
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Ticket = t
		// Not an error inside the transaction: under a joined transaction
		// that would doom the caller's whole intake.
		if t.Status == "closed" {
			return nil
		}
		m := &Message{TicketID: id, Kind: KindReply, AuthorType: events.ActorCustomer,
			AuthorID: &r.CustomerID, Body: body, BodyHTML: html, CreatedAt: now, Channel: r.Channel}
		if err := addMessage(ctx, tx, t, m, r.Attachments); err != nil {
			return err
		}
		out.Message = m
		if reopen && (t.Status == "solved" || t.Status == "pending") {
			if err := s.reopen(ctx, tx, t, r.CustomerID); err != nil {
				return err
			}
			out.Reopened = true
		}
		t.UpdatedAt = now
		return saveTicket(ctx, tx, t)
	})
	if err != nil {
		return nil, err
	}
	if out.Message == nil {
		return &out, ErrClosed
	}
	return &out, nil
}

// reopen moves t to open because its customer wrote back, with the status
// change events an agent's change would raise, attributed to the customer.
// A custom status belongs to the old category and is dropped.
func (s *Service) reopen(ctx context.Context, tx *sql.Tx, t *Ticket, customerID int64) error {
	changes := []change{{"ticket.status_changed", "status", t.Status, "open"}}
	if t.CustomStatus != nil {
		changes = append(changes, change{EventCustomStatusChanged, "custom_status", t.CustomStatus.key(), nil})
		t.CustomStatus = nil
	}
	t.Status = "open"
	s.stampStatus(t)
	for _, c := range changes {
		e := &events.Event{TicketID: t.ID, Type: c.event, At: s.now(), ActorType: events.ActorCustomer,
			ActorID: &customerID, Data: events.Change(c.field, c.before, c.after)}
		if err := events.Append(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// AddSystemNote adds an internal note written by the system (a message
// that could not be read, a bounce) to ticket id, with the uploads
// attachments, even on a closed ticket: notes are for agents.
func (s *Service) AddSystemNote(ctx context.Context, id int64, body string, attachments []int64) (*Message, error) {
	if err := checkBody(body); err != nil {
		return nil, err
	}
	m := &Message{TicketID: id, Kind: KindNote, AuthorType: events.ActorSystem, Body: body, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := touch(ctx, tx, id, m.CreatedAt); err != nil {
			return err
		}
		return addMessage(ctx, tx, nil, m, attachments)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// LinkFollowUp links ticket id, opened because a customer wrote to closed
// ticket old, to old as related, with a ticket.linked event on each whose
// data says which one follows up on which.
func (s *Service) LinkFollowUp(ctx context.Context, id, old int64) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockLinks(ctx, tx); err != nil {
			return err
		}
		if err := touchPair(ctx, tx, id, old, now); err != nil {
			return err
		}
		linkID, err := insertLink(ctx, tx, min(id, old), max(id, old), kindRelated, now)
		if err != nil {
			return err
		}
		for _, end := range [][2]int64{{id, old}, {old, id}} { // this ticket, the other
			e := &events.Event{TicketID: end[0], Type: EventLinked, At: now, ActorType: events.ActorSystem,
				Data: map[string]any{"link_id": linkID, "type": kindRelated, "ticket_id": end[1],
					"follow_up": true, "follow_up_of": old}}
			if err := events.Append(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddFollowers makes customers followers of ticket id (they receive its
// public replies), skipping its requester and those who follow already,
// with a ticket.follower_added event for each one added. It returns the
// ids added.
func (s *Service) AddFollowers(ctx context.Context, id int64, customerIDs []int64) ([]int64, error) {
	var added []int64
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		added = added[:0]
		var requester int64
		err := tx.QueryRowContext(ctx, `SELECT requester_id FROM tickets WHERE id = $1`, id).Scan(&requester)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("ticket")
		}
		if err != nil {
			return fmt.Errorf("ticket: followers of %d: %w", id, err)
		}
		now := s.now()
		for _, c := range customerIDs {
			if c == requester {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO ticket_followers (ticket_id, customer_id, created_at)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, c, db.Time(now))
			if err != nil {
				return fmt.Errorf("ticket: add follower %d to %d: %w", c, id, err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue
			}
			added = append(added, c)
			e := &events.Event{TicketID: id, Type: EventFollowerAdded, At: now,
				Data: map[string]any{"customer_id": c}}
			if err := events.Append(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

// Followers returns the customer ids who follow ticket id, in the order
// they were added.
func (s *Service) Followers(ctx context.Context, id int64) ([]int64, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx,
		`SELECT customer_id FROM ticket_followers WHERE ticket_id = $1 ORDER BY created_at, customer_id`, id)
	if err != nil {
		return nil, fmt.Errorf("ticket: followers of %d: %w", id, err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("ticket: scan follower: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// IsParticipant reports whether customer takes part in ticket id: its
// requester, a follower, or the author of one of its messages. Only
// participants' mail may join a ticket.
func (s *Service) IsParticipant(ctx context.Context, id, customer int64) (bool, error) {
	var one int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `
		SELECT 1 FROM tickets WHERE id = $1 AND requester_id = $2
		UNION ALL
		SELECT 1 FROM ticket_followers WHERE ticket_id = $1 AND customer_id = $2
		UNION ALL
		SELECT 1 FROM messages WHERE ticket_id = $1 AND author_type = 'customer' AND author_id = $2
		LIMIT 1`, id, customer).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ticket: participant %d of %d: %w", customer, id, err)
	}
	return true, nil
}
