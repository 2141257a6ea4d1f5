package ticket

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/events"
)

// A customer waits from their last public message until an agent replies
// in public. Notes, and replies the system sends (acknowledgements), change
// nothing: neither answers the customer, and neither is the customer's.

// waitingAfter is the ticket's waiting_since once m is added; changes
// reports whether m changes it at all.
func waitingAfter(m *Message) (since *time.Time, changes bool) {
	if m.Kind != KindReply {
		return nil, false
	}
	switch m.AuthorType {
	case events.ActorCustomer:
		at := m.CreatedAt
		return &at, true
	case events.ActorAgent:
		return nil, true
	}
	return nil, false
}

// noteWaiting starts or stops the customer's wait on m's ticket as m
// says, in the database and, when t is given, in t.
func noteWaiting(ctx context.Context, q db.Queryer, m *Message, t *Ticket) error {
	since, changes := waitingAfter(m)
	if !changes || t != nil && sameMoment(t.WaitingSince, since) {
		// t mirrors its row (read under the lock, or just inserted with
		// its first wait), so the row already says this.
		return nil
	}
	if _, err := q.ExecContext(ctx, `UPDATE tickets SET waiting_since = $1 WHERE id = $2`,
		db.NullTime(since), m.TicketID); err != nil {
		return fmt.Errorf("ticket: note waiting on %d: %w", m.TicketID, err)
	}
	if t != nil {
		t.WaitingSince = since
	}
	return nil
}

// sameMoment reports whether two optional times are both unset or equal.
func sameMoment(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// recountWaiting works out the tickets' waiting_since again from their
// messages, after messages moved between tickets (a merge, a split).
func recountWaiting(ctx context.Context, q db.Queryer, ids ...int64) error {
	for _, id := range ids {
		if err := RecountWaiting(ctx, q, id, id); err != nil {
			return err
		}
	}
	return nil
}

// RecountWaiting works out waiting_since from the messages of the tickets
// with ids first to last, for whoever writes messages in bulk without this
// package (the demo desk), in the transaction q.
func RecountWaiting(ctx context.Context, q db.Queryer, first, last int64) error {
	_, err := q.ExecContext(ctx, `UPDATE tickets SET waiting_since = (
		SELECT CASE WHEN m.author_type = 'customer' THEN m.created_at END
		FROM messages m
		WHERE m.ticket_id = tickets.id AND m.kind = 'reply' AND m.author_type IN ('customer', 'agent')
		ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
		WHERE id BETWEEN $1 AND $2`, first, last)
	if err != nil {
		return fmt.Errorf("ticket: recount waiting on %d to %d: %w", first, last, err)
	}
	return effort.Recount(ctx, q, first, last) // the waits, contacts and switches moved too
}

// snippetRunes is how much of a message a snippet keeps: more than one
// line of any inbox shows, so the browser's ellipsis does the cutting.
const snippetRunes = 160

// Snippets returns the start of each ticket's last public message, by
// ticket id, its white space folded into single spaces, for the inbox to
// show after the subject. Tickets without a public message are absent.
func (s *Service) Snippets(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	// substr counts characters in both dialects; a little more than kept
	// is read, since folding white space shortens the text.
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT m.ticket_id, substr(m.body_text, 1, 400)
		FROM messages m WHERE m.id IN (
			SELECT MAX(l.id) FROM messages l
			WHERE l.ticket_id IN (`+strings.Join(marks, ", ")+`) AND l.kind = 'reply'
			GROUP BY l.ticket_id)`, args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: snippets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("ticket: scan snippet: %w", err)
		}
		out[id] = snippetOf(body)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket: snippets: %w", err)
	}
	return out, nil
}

// snippetOf folds body's white space (line breaks, indents of quoted
// mail) into single spaces and keeps its first snippetRunes characters.
func snippetOf(body string) string {
	s := strings.Join(strings.Fields(body), " ")
	if r := []rune(s); len(r) > snippetRunes {
		s = string(r[:snippetRunes])
	}
	return s
}

// Any reports whether the desk holds a ticket at all: an empty desk is
// shown how to set itself up instead of an empty inbox.
func (s *Service) Any(ctx context.Context) (bool, error) {
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM tickets LIMIT 1) x`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("ticket: any: %w", err)
	}
	return n > 0, nil
}
