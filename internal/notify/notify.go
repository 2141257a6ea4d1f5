// Package notify tells agents what concerns them: a ticket assigned to them
// by someone else, a mention in an internal note, a follow-up that is due
// (see Remind). Notifications are durable
// rows written by a durable event consumer (see Consumer), so none is lost
// or doubled; each new one is also appended to the event log as
// "notification.created", which carries it to every node's live streams.
package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Kinds of notification.
const (
	KindAssigned  = "assigned"
	KindMentioned = "mentioned"
	KindFollowUp  = "follow_up" // a reminder written by Remind; points at Link, not a ticket
	KindBadge     = "badge"     // a value badge earned, written by Remind; points at the award
	KindAlert     = "alert"     // an alert rule started or stopped firing, written by Remind; points at the rules
)

// EventCreated is the event appended to the ticket's log when a
// notification is created; its data names the notification and recipient.
const EventCreated = "notification.created"

// Notification is one thing an agent was told.
type Notification struct {
	ID          int64      `json:"id"`
	RecipientID int64      `json:"recipient_id"`
	Kind        string     `json:"kind"`
	TicketID    int64      `json:"ticket_id"`
	ActorID     *int64     `json:"actor_id"`
	EventID     int64      `json:"event_id"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
	// Link and Note are set on reminders, which point at a page rather
	// than a ticket (TicketID and EventID are then 0).
	Link string `json:"link,omitempty"`
	Note string `json:"note,omitempty"`

	// For display: the ticket's number and subject, the actor's name ("" for
	// the system).
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
	ActorName     string `json:"actor_name"`
}

// Text is the notification in one short sentence.
func (n *Notification) Text() string {
	who := n.ActorName
	if who == "" {
		who = "Centerdesk"
	}
	if n.Kind == KindFollowUp || n.Kind == KindBadge || n.Kind == KindFeedback || n.Kind == KindAlert {
		return n.Note
	}
	if n.Kind == KindMentioned {
		return fmt.Sprintf("%s mentioned you on #%d", who, n.TicketNumber)
	}
	return fmt.Sprintf("%s assigned #%d to you", who, n.TicketNumber)
}

// Href is where the notification leads: its link, or its ticket.
func (n *Notification) Href() string {
	if n.Link != "" {
		return n.Link
	}
	return fmt.Sprintf("/tickets/%d", n.TicketID)
}

// Service reads and marks an agent's notifications.
type Service struct{ db *db.DB }

// NewService returns the notifications over d.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// MaxList bounds the notifications one List returns.
const MaxList = 100

const listColumns = `n.id, n.recipient_id, n.kind, COALESCE(n.ticket_id, 0), n.actor_id, COALESCE(n.event_id, 0),
	n.created_at, n.read_at, COALESCE(t.number, 0), COALESCE(t.subject, ''), COALESCE(u.name, ''), n.link, n.note`

const listFrom = `notifications n LEFT JOIN tickets t ON t.id = n.ticket_id LEFT JOIN users u ON u.id = n.actor_id`

// List returns the recipient's newest notifications, newest first.
func (s *Service) List(ctx context.Context, recipient int64, limit int) ([]*Notification, error) {
	if limit <= 0 || limit > MaxList {
		limit = MaxList
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+listColumns+` FROM `+listFrom+`
		WHERE n.recipient_id = $1 ORDER BY n.id DESC LIMIT $2`, recipient, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: list for %d: %w", recipient, err)
	}
	defer rows.Close()
	var out []*Notification
	for rows.Next() {
		n, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Get returns one notification of the recipient's; another's is not found.
func (s *Service) Get(ctx context.Context, recipient, id int64) (*Notification, error) {
	n, err := scan(s.db.Reader(ctx).QueryRowContext(ctx, `SELECT `+listColumns+` FROM `+listFrom+`
		WHERE n.id = $1 AND n.recipient_id = $2`, id, recipient))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound(fmt.Sprintf("notification %d", id))
	}
	return n, err
}

func scan(row interface{ Scan(...any) error }) (*Notification, error) {
	n := &Notification{}
	err := row.Scan(&n.ID, &n.RecipientID, &n.Kind, &n.TicketID, &n.ActorID, &n.EventID,
		db.ScanTime(&n.CreatedAt), db.ScanNullTime(&n.ReadAt), &n.TicketNumber, &n.TicketSubject, &n.ActorName,
		&n.Link, &n.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("notify: scan: %w", err)
	}
	return n, nil
}

// Unread counts the recipient's unread notifications.
func (s *Service) Unread(ctx context.Context, recipient int64) (int, error) {
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `
		SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`, recipient).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notify: count unread of %d: %w", recipient, err)
	}
	return n, nil
}

// MarkRead marks one of the recipient's notifications read; another's is
// not found. Marking a read one again changes nothing.
func (s *Service) MarkRead(ctx context.Context, recipient, id int64) error {
	var found bool
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $1)
			WHERE id = $2 AND recipient_id = $3`, db.Time(db.Now()), id, recipient)
		if err != nil {
			return fmt.Errorf("notify: mark %d read: %w", id, err)
		}
		n, err := res.RowsAffected()
		found = n > 0
		return err
	})
	if err == nil && !found {
		return apperr.NotFound(fmt.Sprintf("notification %d", id))
	}
	return err
}

// MarkAllRead marks every unread notification of the recipient's read.
func (s *Service) MarkAllRead(ctx context.Context, recipient int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1
			WHERE recipient_id = $2 AND read_at IS NULL`, db.Time(db.Now()), recipient)
		if err != nil {
			return fmt.Errorf("notify: mark all read for %d: %w", recipient, err)
		}
		return nil
	})
}
