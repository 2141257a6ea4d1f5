package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
)

// ticketColumns are a ticket's row with, from beside it, its tags (sorted,
// space-separated: a tag holds no space) and whether it has any custom field
// value, so that a page needs no query of its own for tags and none for
// field values when its tickets have none. Each is one index seek per row;
// string_agg with ORDER BY is the same on PostgreSQL and SQLite (3.44+).
const ticketColumns = `t.id, t.number, t.subject, t.status, t.priority, t.channel, t.requester_id,
	t.assignee_id, t.team_id, t.created_at, t.updated_at, t.first_reply_at, t.solved_at, t.closed_at,
	t.custom_status_id, t.version, t.waiting_since,
	(SELECT string_agg(g.tag, ' ' ORDER BY g.tag) FROM ticket_tags g WHERE g.ticket_id = t.id),
	EXISTS (SELECT 1 FROM ticket_field_values v WHERE v.ticket_id = t.id)`

// scanned is a ticket as read by scanTicket, before loadDetails.
type scanned struct {
	*Ticket
	hasFields bool // it has custom field values to load
}

// scanTicket reads the columns of ticketColumns; loadDetails fills the rest.
func scanTicket(row interface{ Scan(...any) error }) (scanned, error) {
	var (
		t         Ticket
		statusID  *int64
		tags      *string
		hasFields bool
	)
	err := row.Scan(&t.ID, &t.Number, &t.Subject, &t.Status, &t.Priority, &t.Channel, &t.RequesterID,
		&t.AssigneeID, &t.TeamID, db.ScanTime(&t.CreatedAt), db.ScanTime(&t.UpdatedAt),
		db.ScanNullTime(&t.FirstReplyAt), db.ScanNullTime(&t.SolvedAt), db.ScanNullTime(&t.ClosedAt),
		&statusID, &t.Version, db.ScanNullTime(&t.WaitingSince), &tags, &hasFields)
	if err != nil {
		return scanned{}, err
	}
	t.Tags = []string{}
	if tags != nil {
		t.Tags = strings.Fields(*tags)
	}
	t.CustomFields = map[string]any{}
	if statusID != nil {
		t.CustomStatus = &StatusRef{ID: *statusID}
	}
	return scanned{Ticket: &t, hasFields: hasFields}, nil
}

func getTicket(ctx context.Context, q db.Queryer, id int64) (*Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("ticket")
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: get %d: %w", id, err)
	}
	if err := loadDetails(ctx, q, []scanned{t}); err != nil {
		return nil, err
	}
	return t.Ticket, nil
}

// lockTicket takes the ticket's row lock before it is read for a change, so
// two concurrent changes see each other's result (on PostgreSQL; SQLite has
// one writer anyway). A no-op UPDATE does it in both dialects; it also
// checks the version ctx requires (see version.go).
func lockTicket(ctx context.Context, q db.Queryer, id int64) error {
	return updateRow(ctx, q, id, `id = id`)
}

func insertTicket(ctx context.Context, q db.Queryer, t *Ticket) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO tickets (number, subject, status, priority, channel, requester_id,
			assignee_id, team_id, created_at, updated_at, waiting_since)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id`,
		t.Number, t.Subject, t.Status, t.Priority, t.Channel, t.RequesterID,
		t.AssigneeID, t.TeamID, db.Time(t.CreatedAt), db.NullTime(t.WaitingSince)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("ticket: insert: %w", err)
	}
	t.Version = 1 // the column's default
	return effort.Start(ctx, q, effortState(t), &t.Effort)
}

// saveTicket writes every mutable column of t and increments its version;
// t was read under the row lock, so its version is the one stored.
func saveTicket(ctx context.Context, q db.Queryer, t *Ticket) error {
	_, err := q.ExecContext(ctx, `
		UPDATE tickets SET subject = $1, status = $2, priority = $3, assignee_id = $4, team_id = $5,
			updated_at = $6, first_reply_at = $7, solved_at = $8, closed_at = $9, custom_status_id = $10,
			version = version + 1
		WHERE id = $11`,
		t.Subject, t.Status, t.Priority, t.AssigneeID, t.TeamID, db.Time(t.UpdatedAt),
		db.NullTime(t.FirstReplyAt), db.NullTime(t.SolvedAt), db.NullTime(t.ClosedAt), t.CustomStatus.id(), t.ID)
	if err != nil {
		return fmt.Errorf("ticket: save %d: %w", t.ID, err)
	}
	t.Version++
	return effort.Saved(ctx, q, effortState(t), &t.Effort)
}

// effortState is what effort compares a saved ticket by.
func effortState(t *Ticket) effort.State {
	return effort.State{TicketID: t.ID, Status: t.Status, AssigneeID: t.AssigneeID, TeamID: t.TeamID, At: t.UpdatedAt}
}

// replaceTags makes the ticket's tags exactly tags.
func replaceTags(ctx context.Context, q db.Queryer, ticketID int64, tags []string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM ticket_tags WHERE ticket_id = $1`, ticketID); err != nil {
		return fmt.Errorf("ticket: clear tags of %d: %w", ticketID, err)
	}
	for _, tag := range tags {
		if _, err := q.ExecContext(ctx, `INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)`,
			ticketID, tag); err != nil {
			return fmt.Errorf("ticket: tag %d: %w", ticketID, err)
		}
	}
	return nil
}

// insertMessage stores m and counts it in the effort of its ticket, and of
// t when given.
func insertMessage(ctx context.Context, q db.Queryer, t *Ticket, m *Message) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO messages (ticket_id, kind, author_type, author_id, body_text, body_html, created_at, channel)
		VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, (SELECT channel FROM tickets WHERE id = $1)))
		RETURNING id, channel`,
		m.TicketID, m.Kind, m.AuthorType, m.AuthorID, m.Body, nullString(m.BodyHTML),
		db.Time(m.CreatedAt), nullString(m.Channel)).Scan(&m.ID, &m.Channel)
	if err != nil {
		return fmt.Errorf("ticket: insert message: %w", err)
	}
	var dst *effort.Effort
	if t != nil {
		dst = &t.Effort
	}
	return effort.Noted(ctx, q, effort.Message{TicketID: m.TicketID, Kind: m.Kind, AuthorType: m.AuthorType,
		Channel: m.Channel, At: m.CreatedAt}, dst)
}

// nullString stores an empty string as NULL.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listMessages returns a ticket's messages, oldest first, with their
// attachments.
func listMessages(ctx context.Context, q db.Queryer, ticketID int64) ([]*Message, error) {
	out, err := scanMessages(ctx, q, ticketID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	files, err := attachment.ForMessages(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range out {
		m.Attachments = files[m.ID]
		if m.Attachments == nil {
			m.Attachments = []attachment.Attachment{}
		}
	}
	return out, nil
}

func scanMessages(ctx context.Context, q db.Queryer, ticketID int64) ([]*Message, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT m.id, m.ticket_id, m.kind, m.author_type, m.author_id, m.body_text, m.body_html, m.created_at,
			m.channel, e.delivery_state, e.delivery_error
		FROM messages m LEFT JOIN email_messages e ON e.message_id = m.id AND e.direction = 'out'
		WHERE m.ticket_id = $1 ORDER BY m.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("ticket: list messages of %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		var (
			m                    Message
			html                 *string
			delivery, deliverErr sql.NullString
		)
		if err := rows.Scan(&m.ID, &m.TicketID, &m.Kind, &m.AuthorType, &m.AuthorID, &m.Body, &html,
			db.ScanTime(&m.CreatedAt), &m.Channel, &delivery, &deliverErr); err != nil {
			return nil, fmt.Errorf("ticket: scan message: %w", err)
		}
		m.Delivery = deliveryOf(delivery, deliverErr)
		if html != nil {
			m.BodyHTML = *html
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// exists reports whether query, one of the constants below, finds id.
func exists(ctx context.Context, q db.Queryer, query string, id int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

const (
	activeUserExists = `SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL`
	teamExists       = `SELECT 1 FROM teams WHERE id = $1`
)

// checkRefs refuses an assignee or team that does not exist, naming the
// field.
func checkRefs(ctx context.Context, q db.Queryer, assigneeID, teamID *int64) error {
	if assigneeID != nil {
		ok, err := exists(ctx, q, activeUserExists, *assigneeID)
		if err != nil {
			return fmt.Errorf("ticket: check assignee: %w", err)
		}
		if !ok {
			return apperr.Unprocessable("assignee_id", "no active user has id %d", *assigneeID)
		}
	}
	if teamID != nil {
		ok, err := exists(ctx, q, teamExists, *teamID)
		if err != nil {
			return fmt.Errorf("ticket: check team: %w", err)
		}
		if !ok {
			return apperr.Unprocessable("team_id", "no team has id %d", *teamID)
		}
	}
	return nil
}
