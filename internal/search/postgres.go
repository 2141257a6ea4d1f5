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

// The match queries. %[1]s is the tsquery, %[2]s the filter (AND ...), %[3]s
// the bound on ids of a try (AND ... or ""), %[4]s the limit's mark. Without
// a filter, the limit applies before the join, so tickets are read for the
// page's rows alone whatever plan finds the matches.
const (
	pgSubjects = `SELECT t.id, 0, t.updated_at FROM tickets t
		WHERE t.search_vector @@ %[1]s%[2]s%[3]s ORDER BY t.id DESC LIMIT %[4]s`
	pgMessages = `SELECT s.ticket_id, s.id, t.updated_at FROM (
			SELECT m.id, m.ticket_id FROM messages m
			WHERE m.search_vector @@ %[1]s%[3]s ORDER BY m.id DESC LIMIT %[4]s) s
		JOIN tickets t ON t.id = s.ticket_id ORDER BY s.id DESC`
	pgFilteredMessages = `SELECT m.ticket_id, m.id, t.updated_at
		FROM messages m JOIN tickets t ON t.id = m.ticket_id
		WHERE m.search_vector @@ %[1]s%[2]s%[3]s ORDER BY m.id DESC LIMIT %[4]s`
)

// matches writes the tsquery into each query rather than computing it once
// in a subquery: given the words, the planner estimates how common they are
// and picks its plan by that.
//
// Left to itself, the planner finds "the newest 200 matches" either by
// walking the newest rows and checking each one's tsvector (a word in one
// message of a hundred reads 20,000 tsvectors) or through the GIN index and
// every matching row (7,800 rows read and sorted for "charged twice"). So
// each kind is first looked for among the newest rows only (the GIN index
// and the primary key's range, ANDed: only matches in the range are read),
// and further back only when those held too few; the answer is the same.
func (postgresEngine) matches(ctx context.Context, r db.Queryer, q query, f filter, lim limits) (*matches, error) {
	var newestTicket, newestMessage int64
	err := r.QueryRowContext(ctx, `SELECT COALESCE((SELECT max(id) FROM tickets), 0),
		COALESCE((SELECT max(id) FROM messages), 0)`).Scan(&newestTicket, &newestMessage)
	if err != nil {
		return nil, fmt.Errorf("search: newest rows: %w", err)
	}
	n := len(f.args)
	tsq, qargs := q.tsquery(n + 1)
	args := append(append(slices.Clone(f.args), qargs...), lim.candidates+1)
	limit := fmt.Sprintf("$%d", len(args))
	messages := pgMessages
	if f.cond != "" {
		messages = pgFilteredMessages
	}
	out := &matches{}
	out.subjects, err = newestMatches(ctx, r, pgSubjects, "t", tsq, limit, f, args, newestTicket, lim)
	if err != nil {
		return nil, err
	}
	out.messages, err = newestMatches(ctx, r, messages, "m", tsq, limit, f, args, newestMessage, lim)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newestMatches runs one of the match queries over ever more of the newest
// rows of alias's table (whose largest id is newest) until more than
// lim.candidates match, or over all of them. More than that within a span
// are the newest matches of all, so every try gives the answer the last
// one would.
func newestMatches(ctx context.Context, r db.Queryer, query, alias, tsq, limit string, f filter, args []any,
	newest int64, lim limits) ([]match, error) {
	bound := fmt.Sprintf(" AND %s.id > $%d", alias, len(args)+1)
	for _, span := range lim.spans {
		from := newest - int64(lim.candidates+1)*span
		if from <= 0 {
			break // the span holds every row: the last try
		}
		ms, err := scanMatches(ctx, r, fmt.Sprintf(query, tsq, f.and(), bound, limit), append(slices.Clone(args), from)...)
		if err != nil || len(ms) > lim.candidates {
			return ms, err
		}
	}
	return scanMatches(ctx, r, fmt.Sprintf(query, tsq, f.and(), "", limit), args...)
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
