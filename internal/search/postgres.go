package search

import (
	"context"
	"fmt"
	"slices"

	"github.com/centerdesk/centerdesk/internal/db"
)

// postgresEngine searches the generated tsvector columns of tickets and
// messages through their GIN indexes. PostgreSQL's planner chooses between
// reading the index (a rare word) and walking the newest rows until enough
// match (a common one), so each kind is one plain query.
type postgresEngine struct{}

// Headline options: the match markers, and for a body one fragment of about
// two dozen words around the best match. The body is read as far as
// migration 00006 indexes it.
const (
	indexedBody     = "left(m.body_text, 100000)"
	bodyHeadline    = "StartSel=" + markOpen + ", StopSel=" + markClose + ", MaxWords=24, MinWords=12, MaxFragments=1"
	subjectHeadline = "StartSel=" + markOpen + ", StopSel=" + markClose + ", HighlightAll=true"
)

// matches writes the tsquery into each query rather than computing it once
// in a subquery: given the words, the planner estimates how common they are
// and picks its plan by that.
func (postgresEngine) matches(ctx context.Context, r db.Queryer, q query, f filter, lim limits) (*matches, error) {
	n := len(f.args)
	tsq, qargs := q.tsquery(n + 1)
	args := append(append(slices.Clone(f.args), qargs...), lim.candidates+1)
	limit := fmt.Sprintf("$%d", len(args))
	out := &matches{}
	var err error
	out.subjects, err = scanMatches(ctx, r, `SELECT t.id, 0, t.updated_at FROM tickets t
		WHERE t.search_vector @@ `+tsq+f.and()+` ORDER BY t.id DESC LIMIT `+limit, args...)
	if err != nil {
		return nil, err
	}
	out.messages, err = scanMatches(ctx, r, `SELECT m.ticket_id, m.id, t.updated_at
		FROM messages m JOIN tickets t ON t.id = m.ticket_id
		WHERE m.search_vector @@ `+tsq+f.and()+` ORDER BY m.id DESC LIMIT `+limit, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (postgresEngine) highlights(ctx context.Context, r db.Queryer, q query, messageIDs, ticketIDs []int64, _ bool) (map[int64]string, map[int64]string, error) {
	tsq, qargs := q.tsquery(2) // after the options
	bodies, subjects := map[int64]string{}, map[int64]string{}
	if len(messageIDs) > 0 {
		in, args := db.InList(2+len(qargs), messageIDs)
		err := scanTexts(ctx, r, bodies, `SELECT m.id, ts_headline('english', `+indexedBody+`, `+tsq+`, $1)
			FROM messages m WHERE m.id IN (`+in+`)`, append(append([]any{bodyHeadline}, qargs...), args...)...)
		if err != nil {
			return nil, nil, err
		}
	}
	if len(ticketIDs) > 0 {
		in, args := db.InList(2+len(qargs), ticketIDs)
		err := scanTexts(ctx, r, subjects, `SELECT t.id, ts_headline('english', t.subject, `+tsq+`, $1)
			FROM tickets t WHERE t.id IN (`+in+`)`, append(append([]any{subjectHeadline}, qargs...), args...)...)
		if err != nil {
			return nil, nil, err
		}
	}
	return bodies, subjects, nil
}
