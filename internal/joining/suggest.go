package joining

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// maxSuggestions bounds the tickets one new ticket is linked to.
const maxSuggestions = 5

// Suggest links ticket id, just opened for customerID, to the customer's
// other unsolved tickets in the join window as "possibly the same issue":
// a related link that agents see on both tickets, and a suggestion the
// workspace offers to join with one click. It runs in ctx's transaction
// when there is one, so the new ticket and its links commit together.
func (s *Service) Suggest(ctx context.Context, id, customerID int64) ([]int64, error) {
	var linked []int64
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		linked = linked[:0]
		cands, err := s.InWindow(ctx, customerID)
		if err != nil {
			return err
		}
		for _, c := range cands {
			if c.ID == id || len(linked) == maxSuggestions {
				continue
			}
			if err := s.suggestOne(ctx, tx, id, c.ID); err != nil {
				return err
			}
			linked = append(linked, c.ID)
		}
		return nil
	})
	return linked, err
}

func (s *Service) suggestOne(ctx context.Context, tx *sql.Tx, id, other int64) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO ticket_join_suggestions (ticket_id, other_id, created_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, other, db.Time(s.now()))
	if err != nil {
		return fmt.Errorf("joining: suggest %d for %d: %w", other, id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	already, err := s.linked(ctx, tx, id, other)
	if err != nil || already {
		return err
	}
	_, err = s.links.Add(ctx, id, ticketlink.NewLink{Type: ticketlink.Related, TicketID: other})
	return err
}

// linked reports whether the two tickets are linked as related already
// (a follow-up, an agent's link): the suggestion then needs no second one.
func (s *Service) linked(ctx context.Context, q db.Queryer, a, b int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_links WHERE kind = 'related'
		AND ticket_id = $1 AND other_id = $2`, min(a, b), max(a, b)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("joining: link of %d and %d: %w", a, b, err)
	}
	return n > 0, nil
}

// Suggestion is a ticket that may be the same issue as the one at hand.
type Suggestion struct {
	Other Candidate
	// Newer says the ticket at hand is the newer one: a join merges it
	// into Other; otherwise Other is merged into it.
	Newer bool
}

// Suggestions returns the open suggestions of ticket id: those whose both
// tickets are still unsolved.
func (s *Service) Suggestions(ctx context.Context, id int64) ([]Suggestion, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `
		SELECT g.ticket_id = $1, t.id, t.number, t.subject, t.status, t.channel, t.updated_at
		FROM ticket_join_suggestions g
		JOIN tickets t ON t.id = CASE WHEN g.ticket_id = $1 THEN g.other_id ELSE g.ticket_id END
		JOIN tickets me ON me.id = $1
		WHERE (g.ticket_id = $1 OR g.other_id = $1)
		  AND t.status IN ($2, $3, $4, $5) AND me.status IN ($2, $3, $4, $5)
		ORDER BY t.id`, id, unsolved[0], unsolved[1], unsolved[2], unsolved[3])
	if err != nil {
		return nil, fmt.Errorf("joining: suggestions of %d: %w", id, err)
	}
	defer rows.Close()
	out := []Suggestion{}
	for rows.Next() {
		var g Suggestion
		c := &g.Other
		if err := rows.Scan(&g.Newer, &c.ID, &c.Number, &c.Subject, &c.Status, &c.Channel,
			db.ScanTime(&c.UpdatedAt)); err != nil {
			return nil, fmt.Errorf("joining: scan suggestion: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// JoinSuggested joins ticket id and other, suggested as possibly the same
// issue: the newer one is merged into the older one (the existing merge),
// and the older one records the join, a channel switch when the newer one
// came by another channel. It returns the merge.
func (s *Service) JoinSuggested(ctx context.Context, id, other int64) (*ticket.Merged, error) {
	var out *ticket.Merged
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		source, target, err := suggestedPair(ctx, tx, id, other)
		if err != nil {
			return err
		}
		// Both read before the merge moves the source's messages over.
		channel, err := previousChannel(ctx, tx, source, 0)
		if err != nil {
			return err
		}
		prev, err := previousChannel(ctx, tx, target, 0)
		if err != nil {
			return err
		}
		if out, err = s.tickets.Merge(ctx, source, target); err != nil {
			return err
		}
		_, err = s.RecordJoin(ctx, Join{TicketID: target, Channel: channel, Via: ViaMerge,
			FromTicketID: source, FromNumber: out.Source.Number, Previous: prev})
		return err
	})
	return out, err
}

// suggestedPair returns the suggestion between id and other as the merge's
// source (the newer ticket) and target.
func suggestedPair(ctx context.Context, q db.Queryer, id, other int64) (source, target int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT ticket_id, other_id FROM ticket_join_suggestions
		WHERE (ticket_id = $1 AND other_id = $2) OR (ticket_id = $2 AND other_id = $1)`, id, other).
		Scan(&source, &target)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, apperr.Unprocessable("other_id", "ticket %d is not suggested as the same issue", other)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("joining: suggestion of %d and %d: %w", id, other, err)
	}
	return source, target, nil
}
