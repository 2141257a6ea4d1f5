package search

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// sqliteEngine searches the FTS5 tables tickets_fts and messages_fts.
//
// FTS5 hands out matches newest first (rowid DESC) and stops when told, so a
// search costs what it reads, not what matches. A filter is checked on each
// match in that order; since a narrow filter over a common word could then
// read most of the index before it finds enough, a filtered search reads at
// most limits.window matches of each kind, and when that was not all of
// them and the filter passes only a few tickets, it asks the index about
// those tickets' rows instead (an exact answer whatever the word, as long as
// the query holds no prefix).
type sqliteEngine struct{}

// A snippet is about two dozen words around the best match.
const (
	snippetTokens   = 24
	snippetEllipsis = "…"
)

// Each window query reads the newest $w matches into a table, returns those
// whose tickets pass the filter (newest first, at most $c) and, as a last
// row with ticket id 0, how many matches it read.
const (
	subjectWindow = `
		WITH f AS MATERIALIZED (
			SELECT rowid AS id FROM tickets_fts WHERE tickets_fts MATCH $%[1]d ORDER BY rowid DESC LIMIT $%[2]d)
		SELECT * FROM (
			SELECT 0, t.id, 0, t.updated_at FROM f CROSS JOIN tickets t ON t.id = f.id
			WHERE 1 = 1 %[4]s ORDER BY f.id DESC LIMIT $%[3]d)
		UNION ALL SELECT count(*), 0, 0, NULL FROM f`
	messageWindow = `
		WITH f AS MATERIALIZED (
			SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH $%[1]d ORDER BY rowid DESC LIMIT $%[2]d)
		SELECT * FROM (
			SELECT 0, m.ticket_id, m.id, t.updated_at FROM f CROSS JOIN messages m ON m.id = f.id
			CROSS JOIN tickets t ON t.id = m.ticket_id
			WHERE 1 = 1 %[4]s ORDER BY f.id DESC LIMIT $%[3]d)
		UNION ALL SELECT count(*), 0, 0, NULL FROM f`
)

func (sqliteEngine) matches(ctx context.Context, r db.Queryer, q query, f filter, lim limits) (*matches, error) {
	expr := q.fts5()
	out := &matches{}
	var moreS, moreM bool
	var err error
	if out.subjects, moreS, err = sqliteWindow(ctx, r, subjectWindow, expr, f, lim); err != nil {
		return nil, err
	}
	if out.messages, moreM, err = sqliteWindow(ctx, r, messageWindow, expr, f, lim); err != nil {
		return nil, err
	}
	out.partial = moreS || moreM
	// A prefix's merged list is rebuilt for every row looked up, so the
	// narrow path would cost a list per row.
	if !out.partial || f.cond == "" || q.hasPrefix() {
		return out, nil
	}
	tickets, messages, ok, err := narrowFilter(ctx, r, f, lim)
	if err != nil || !ok {
		return out, err
	}
	return sqliteNarrow(ctx, r, expr, tickets, messages)
}

// sqliteWindow runs a window query and reports whether matches may exist
// beyond what it read.
func sqliteWindow(ctx context.Context, r db.Queryer, query, expr string, f filter, lim limits) ([]match, bool, error) {
	window := lim.candidates + 1
	if f.cond != "" {
		window = lim.window
	}
	n := len(f.args)
	args := append(slices.Clone(f.args), expr, window, lim.candidates+1)
	rows, err := r.QueryContext(ctx, fmt.Sprintf(query, n+1, n+2, n+3, f.and()), args...)
	if err != nil {
		return nil, false, fmt.Errorf("search: match: %w", err)
	}
	defer rows.Close()
	var (
		out  []match
		read int
	)
	for rows.Next() {
		var (
			m       match
			counted int
			updated *time.Time
		)
		if err := rows.Scan(&counted, &m.ticketID, &m.messageID, db.ScanNullTime(&updated)); err != nil {
			return nil, false, fmt.Errorf("search: match: %w", err)
		}
		if m.ticketID == 0 {
			read = counted
			continue
		}
		m.updatedAt = *updated
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("search: match: %w", err)
	}
	return out, read >= window || len(out) > lim.candidates, nil
}

// narrowFilter returns the tickets f passes and their messages, when they
// are few enough to look up one by one. f.cond is SQL the ticket package
// built from constants; values travel as arguments.
func narrowFilter(ctx context.Context, r db.Queryer, f filter, lim limits) (tickets, messages []int64, ok bool, err error) {
	args := append(slices.Clone(f.args), lim.narrowTickets+1)
	tickets, err = ids(ctx, r, fmt.Sprintf(`SELECT t.id FROM tickets t WHERE %s LIMIT $%d`,
		f.cond, len(args)), args...)
	if err != nil || len(tickets) > lim.narrowTickets {
		return nil, nil, false, err
	}
	if len(tickets) == 0 {
		return nil, nil, true, nil
	}
	in, args := db.InList(1, tickets)
	args = append(args, lim.narrowMessages+1)
	messages, err = ids(ctx, r, fmt.Sprintf(`SELECT id FROM messages WHERE ticket_id IN (%s) LIMIT $%d`,
		in, len(args)), args...)
	if err != nil || len(messages) > lim.narrowMessages {
		return nil, nil, false, err
	}
	return tickets, messages, true, nil
}

// sqliteNarrow asks the index about the given rows alone: the whole answer
// for a filter that passes only them. The rows are looked up in no
// particular order: asking FTS5 for rowids in descending order makes each
// lookup find the end of the word's list first, several times the cost.
func sqliteNarrow(ctx context.Context, r db.Queryer, expr string, tickets, messages []int64) (*matches, error) {
	out := &matches{scattered: true}
	if len(tickets) == 0 {
		return out, nil
	}
	in, args := db.InList(2, tickets) // after the MATCH expression
	var err error
	out.subjects, err = scanMatches(ctx, r, `SELECT t.id, 0, t.updated_at
		FROM tickets_fts f CROSS JOIN tickets t ON t.id = f.rowid
		WHERE tickets_fts MATCH $1 AND f.rowid IN (`+in+`)`, append([]any{expr}, args...)...)
	if err != nil || len(messages) == 0 {
		return out, err
	}
	in, args = db.InList(2, messages)
	out.messages, err = scanMatches(ctx, r, `SELECT m.ticket_id, m.id, t.updated_at
		FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid CROSS JOIN tickets t ON t.id = m.ticket_id
		WHERE messages_fts MATCH $1 AND f.rowid IN (`+in+`)`, append([]any{expr}, args...)...)
	return out, err
}

// highlights marks the matches in a page's rows. Rows from a window of the
// newest matches are picked out of one pass over the rowid range they lie in
// (the unary + keeps SQLite from turning the IN list into lookups): fewer
// than a window's matches are read. Scattered rows are looked up one by one,
// about a tenth of a millisecond each; they never come from a query with a
// prefix, for which FTS5 would rebuild the prefix's merged list per lookup.
func (sqliteEngine) highlights(ctx context.Context, r db.Queryer, q query, messageIDs, ticketIDs []int64, scattered bool) (map[int64]string, map[int64]string, error) {
	bodies, subjects := map[int64]string{}, map[int64]string{}
	snippet := fmt.Sprintf("snippet(messages_fts, 0, $2, $3, '%s', %d)", snippetEllipsis, snippetTokens)
	if err := sqliteHighlight(ctx, r, bodies, "messages_fts", snippet, q, messageIDs, scattered); err != nil {
		return nil, nil, err
	}
	highlight := "highlight(tickets_fts, 0, $2, $3)"
	if err := sqliteHighlight(ctx, r, subjects, "tickets_fts", highlight, q, ticketIDs, scattered); err != nil {
		return nil, nil, err
	}
	return bodies, subjects, nil
}

// sqliteHighlight runs fn, one of the constant calls above, on the rows ids
// of table, into dst.
func sqliteHighlight(ctx context.Context, r db.Queryer, dst map[int64]string, table, fn string, q query, ids []int64, scattered bool) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{q.fts5(), markOpen, markClose}
	pick := "rowid IN (%s)"
	if !scattered {
		pick = "rowid BETWEEN $4 AND $5 AND +rowid IN (%s)"
		args = append(args, slices.Min(ids), slices.Max(ids))
	}
	in, idArgs := db.InList(len(args)+1, ids)
	query := fmt.Sprintf("SELECT rowid, %s FROM %s WHERE %s MATCH $1 AND "+pick, fn, table, table, in)
	return scanTexts(ctx, r, dst, query, append(args, idArgs...)...)
}
