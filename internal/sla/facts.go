package sla

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// ticketState is what clocks start from and policies match, read with
// read-only SQL from the ticket domain's tables.
type ticketState struct {
	Facts
	CreatedAt    time.Time
	FirstReplyAt *time.Time
	WaitingSince *time.Time
}

func (t *ticketState) solved() bool { return isSolved(t.Status) }

func isSolved(status string) bool { return status == "solved" || status == "closed" }

// errTicketGone says the ticket was deleted before its events were handled.
var errTicketGone = errors.New("sla: ticket is gone")

func loadTicket(ctx context.Context, q db.Queryer, id int64) (*ticketState, error) {
	var t ticketState
	var tags sql.NullString
	err := q.QueryRowContext(ctx, `
		SELECT t.status, t.priority, t.channel, t.team_id, c.organization_id, t.created_at, t.first_reply_at,
			t.waiting_since, (SELECT string_agg(g.tag, ' ') FROM ticket_tags g WHERE g.ticket_id = t.id)
		FROM tickets t LEFT JOIN customers c ON c.id = t.requester_id WHERE t.id = $1`, id).Scan(
		&t.Status, &t.Priority, &t.Channel, &t.TeamID, &t.OrganizationID, db.ScanTime(&t.CreatedAt),
		db.ScanNullTime(&t.FirstReplyAt), db.ScanNullTime(&t.WaitingSince), &tags)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errTicketGone
	}
	if err != nil {
		return nil, fmt.Errorf("sla: ticket %d: %w", id, err)
	}
	if tags.Valid && tags.String != "" {
		t.Tags = strings.Fields(tags.String)
	}
	return &t, nil
}

// statusAfter is the ticket's status just after event eventID: the
// "before" of the next status change, or the status now when there is
// none. Clocks replayed from an older event pause by the status of their
// time, not by today's.
func statusAfter(ctx context.Context, q db.Queryer, ticketID, eventID int64, now string) (string, error) {
	var data string
	err := q.QueryRowContext(ctx, `
		SELECT data FROM events WHERE ticket_id = $1 AND type = 'ticket.status_changed' AND id > $2
		ORDER BY id LIMIT 1`, ticketID, eventID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return now, nil
	}
	if err != nil {
		return "", fmt.Errorf("sla: status after event %d: %w", eventID, err)
	}
	return changeBefore(data), nil
}

// lastAgentReply is when an agent last replied in public, if ever.
func lastAgentReply(ctx context.Context, q db.Queryer, ticketID int64) (*time.Time, error) {
	var at *time.Time
	err := q.QueryRowContext(ctx, `
		SELECT created_at FROM messages WHERE ticket_id = $1 AND kind = 'reply' AND author_type = 'agent'
		ORDER BY created_at DESC, id DESC LIMIT 1`, ticketID).Scan(db.ScanNullTime(&at))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sla: last reply of %d: %w", ticketID, err)
	}
	return at, nil
}
