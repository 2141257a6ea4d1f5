package search

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/centerdesk/centerdesk/internal/db"
)

// hits loads a page of scores as hits: their tickets and requesters in one
// query, their snippets in one per kind.
func (s *Service) hits(ctx context.Context, r db.Queryer, pq query, page []*score, scattered bool) ([]Hit, error) {
	out := []Hit{}
	if len(page) == 0 {
		return out, nil
	}
	ids := make([]int64, len(page))
	for i, sc := range page {
		ids[i] = sc.ticketID
	}
	tickets, err := loadTickets(ctx, r, ids)
	if err != nil {
		return nil, err
	}
	var messageIDs, subjectIDs []int64
	for _, sc := range page {
		if sc.messageID != 0 {
			messageIDs = append(messageIDs, sc.messageID)
		} else if sc.subject {
			subjectIDs = append(subjectIDs, sc.ticketID)
		}
	}
	var bodies, subjects map[int64]string
	if len(messageIDs)+len(subjectIDs) > 0 {
		bodies, subjects, err = s.engine.highlights(ctx, r, pq, messageIDs, subjectIDs, scattered)
		if err != nil {
			return nil, err
		}
	}
	for _, sc := range page {
		t, ok := tickets[sc.ticketID]
		if !ok {
			continue // deleted since it matched
		}
		h := Hit{Ticket: *t, Rank: sc.rank, Matched: sc.matched()}
		if text, ok := bodies[sc.messageID]; ok && sc.messageID != 0 {
			h.Snippet = markedHTML(text)
			h.MessageID = &sc.messageID
		} else if text, ok := subjects[sc.ticketID]; ok {
			h.Snippet = markedHTML(text)
		} else {
			h.Snippet = html.EscapeString(t.Subject)
		}
		out = append(out, h)
	}
	return out, nil
}

func (s *score) matched() []string {
	var out []string
	if s.number {
		out = append(out, "number")
	}
	if s.subject {
		out = append(out, "subject")
	}
	if s.messages > 0 {
		out = append(out, "message")
	}
	return out
}

// loadTickets reads the tickets of a page of hits with their requesters
// (first email address, as customers are shown elsewhere). The email is
// picked by CASE rather than by a condition on kind, which would lead SQLite
// to walk every email address in the (kind, value) index for each ticket.
func loadTickets(ctx context.Context, r db.Queryer, ids []int64) (map[int64]*HitTicket, error) {
	in, args := db.InList(1, ids)
	rows, err := r.QueryContext(ctx, `
		SELECT t.id, t.number, t.subject, t.status, t.priority, t.updated_at, c.id, c.name,
			COALESCE((SELECT MIN(CASE WHEN i.kind = 'email' THEN i.value END)
				FROM customer_identities i WHERE i.customer_id = c.id), '')
		FROM tickets t JOIN customers c ON c.id = t.requester_id
		WHERE t.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: load tickets: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]*HitTicket, len(ids))
	for rows.Next() {
		var t HitTicket
		if err := rows.Scan(&t.ID, &t.Number, &t.Subject, &t.Status, &t.Priority, db.ScanTime(&t.UpdatedAt),
			&t.Requester.ID, &t.Requester.Name, &t.Requester.Email); err != nil {
			return nil, fmt.Errorf("search: load tickets: %w", err)
		}
		out[t.ID] = &t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: load tickets: %w", err)
	}
	return out, nil
}

// The markers the databases put around each match in a snippet. Control
// characters, which text a person wrote almost never holds; markedHTML
// copes when it does.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// markedHTML escapes marked text for HTML and turns the markers into <mark>
// elements. Markers that do not pair up (the text itself held one) are
// dropped, so the result is always well-formed and holds no other markup.
func markedHTML(s string) string {
	var b strings.Builder
	open := false
	for {
		i := strings.IndexAny(s, markOpen+markClose)
		if i < 0 {
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		switch {
		case s[i] == markOpen[0] && !open:
			b.WriteString("<mark>")
			open = true
		case s[i] == markClose[0] && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	b.WriteString(html.EscapeString(s))
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
