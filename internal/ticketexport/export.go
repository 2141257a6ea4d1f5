// Package ticketexport streams tickets out for download (CSV or JSON lines
// through the API): the listing's filters over every page, each ticket with
// its requester's email address. It only reads, through ticket's listing.
package ticketexport

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Row is one ticket as an export writes it: the ticket and its requester's
// email address, which the tickets row does not hold.
type Row struct {
	*ticket.Ticket
	RequesterEmail string `json:"requester_email"`
}

// Service exports tickets.
type Service struct {
	db      *db.DB
	tickets *ticket.Service
}

// New returns a Service that reads d through tickets' listing.
func New(d *db.DB, tickets *ticket.Service) *Service { return &Service{db: d, tickets: tickets} }

// Tickets iterates over the tickets f matches, a page at a time, in listing
// order (most recently updated first); f's Cursor and Limit are ignored.
// Each page is one keyset query (List) on the read pool, so an export of any
// size holds one page in memory and never pins a connection between pages.
// It reads no snapshot: a ticket changed while the export runs moves ahead of
// the cursor and is left out, and no ticket is written twice. The first error
// ends the iteration; a bad filter is reported before any page.
func (s *Service) Tickets(ctx context.Context, f ticket.Filter) iter.Seq2[[]Row, error] {
	return func(yield func([]Row, error) bool) {
		f.Limit, f.Cursor = ticket.MaxLimit, ""
		for {
			page, err := s.tickets.List(ctx, f)
			if err != nil {
				yield(nil, err)
				return
			}
			rows, err := exportRows(ctx, s.db.Reader(ctx), page.Tickets)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(rows) > 0 && !yield(rows, nil) {
				return
			}
			if page.NextCursor == "" {
				return
			}
			f.Cursor = page.NextCursor
		}
	}
}

// exportRows pairs a page of tickets with their requesters' first email
// addresses (as customers are shown elsewhere), in one query. The email is
// picked by CASE rather than by a condition on kind, which would lead SQLite
// to walk every email address in the (kind, value) index.
func exportRows(ctx context.Context, q db.Queryer, tickets []*ticket.Ticket) ([]Row, error) {
	if len(tickets) == 0 {
		return nil, nil
	}
	seen := make(map[int64]bool, len(tickets))
	var (
		marks []string
		args  []any
	)
	for _, t := range tickets {
		if !seen[t.RequesterID] {
			seen[t.RequesterID] = true
			args = append(args, t.RequesterID)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT customer_id, COALESCE(MIN(CASE WHEN kind = 'email' THEN value END), '')
		FROM customer_identities WHERE customer_id IN (`+strings.Join(marks, ", ")+`) GROUP BY customer_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("ticketexport: requesters: %w", err)
	}
	defer rows.Close()
	emails := make(map[int64]string, len(marks))
	for rows.Next() {
		var (
			id    int64
			email string
		)
		if err := rows.Scan(&id, &email); err != nil {
			return nil, fmt.Errorf("ticketexport: requesters: %w", err)
		}
		emails[id] = email
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticketexport: requesters: %w", err)
	}
	out := make([]Row, len(tickets))
	for i, t := range tickets {
		out[i] = Row{Ticket: t, RequesterEmail: emails[t.RequesterID]}
	}
	return out, nil
}
