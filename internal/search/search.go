// Package search finds tickets by the words of their subjects and messages
// (public replies and internal notes alike: only agents search).
//
// The index lives in the database and is written in the same transaction as
// the text (FTS5 tables kept by triggers on SQLite, generated tsvector
// columns on PostgreSQL; see migration 00006), so a ticket is found the
// moment its write commits. What differs between the dialects sits behind
// the small engine interface; parsing, ranking and paging are shared.
//
// Ranking reads only the most recent matches (at most 200 subjects and 200
// messages, defaultLimits): a common word matches a large part of every
// desk, and ranking all its matches would cost time in proportion to the
// desk's size. See rank.go for the rank itself.
package search

import (
	"context"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Page sizes of a search.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// limits bound the work of one search.
type limits struct {
	// candidates is how many of the most recent matches of each kind
	// (subjects, messages) one search ranks.
	candidates int
	// window is how many of the most recent matches of each kind a
	// filtered search reads on SQLite, looking for ones that pass.
	window int
	// narrowTickets and narrowMessages say when a filter passes few enough
	// rows for SQLite to look each up in the index instead.
	narrowTickets, narrowMessages int
	// spans are, on PostgreSQL, how far back each try looks for the newest
	// matches before the last try looks through all rows: the newest
	// candidates × span rows of each kind (see postgres.go).
	spans []int64
}

// defaultLimits keep a search on SQLite with 100,000 tickets and 500,000
// messages to a few milliseconds, whatever the words (measured by hand:
// reading a match costs about a microsecond, looking one up by rowid about
// a tenth of a millisecond for a common word). Ranking the newest 200
// matches of each kind rather than 1,000 made searches four times cheaper
// (docs/BENCHMARKS.md, "Search candidates"); a search that matched more says
// so (Results.Partial), and the page asks for more words.
var defaultLimits = limits{candidates: 200, window: 3000, narrowTickets: 50, narrowMessages: 200,
	spans: []int64{100, 1000}}

// Query is one search.
type Query struct {
	// Q is what the person typed: words (all must match), "quoted
	// phrases", prefixes (bill*), or a ticket number (#1042 or 1042).
	Q string
	// Filter narrows the hits as it narrows a listing; its Cursor and
	// Limit play no part.
	Filter ticket.Filter
	Cursor string // from the previous page's NextCursor
	Limit  int
}

// Results is one page of hits, best first.
type Results struct {
	Items []Hit `json:"items"`
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
	// Partial says the words matched more subjects or messages than one
	// search ranks, so older matches were left out: add words or filters.
	Partial bool `json:"partial"`
}

// Hit is a ticket that matched, with where it matched.
type Hit struct {
	Ticket HitTicket `json:"ticket"`
	// Rank orders hits, higher first (see rank.go): 4 when the query is
	// the ticket's number, plus 2 when the subject matches, plus up to 1
	// for the ticket's matching messages, more for more of them.
	Rank float64 `json:"rank"`
	// Matched lists where the query matched: "number", "subject",
	// "message".
	Matched []string `json:"matched"`
	// Snippet shows the match in context as HTML: the text is escaped and
	// each match is wrapped in <mark>...</mark>, so it is safe to show as
	// is. It comes from MessageID when a message matched, else from the
	// subject.
	Snippet   string `json:"snippet"`
	MessageID *int64 `json:"message_id"`
}

// HitTicket is the part of a ticket a list of hits shows.
type HitTicket struct {
	ID        int64     `json:"id"`
	Number    int64     `json:"number"`
	Subject   string    `json:"subject"`
	Status    string    `json:"status"`
	Priority  string    `json:"priority"`
	Requester Requester `json:"requester"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Requester is who a hit's ticket is from.
type Requester struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Service searches tickets.
type Service struct {
	db     *db.DB
	engine engine
	limits limits
}

// NewService returns a Service over d, with d's dialect of full-text search.
func NewService(d *db.DB) *Service {
	var e engine = sqliteEngine{}
	if d.Dialect() == db.Postgres {
		e = postgresEngine{}
	}
	return &Service{db: d, engine: e, limits: defaultLimits}
}

// engine is what the dialects do differently: find matches and highlight
// them.
type engine interface {
	// matches returns the most recent matches of q among the tickets f
	// passes, newest first: at most lim.candidates+1 of each kind, the one
	// over the limit telling that there are more.
	matches(ctx context.Context, r db.Queryer, q query, f filter, lim limits) (*matches, error)
	// highlights returns the marked text (markOpen, markClose) of the
	// given messages' bodies and tickets' subjects where q matches them;
	// scattered is the matches' own flag.
	highlights(ctx context.Context, r db.Queryer, q query, messageIDs, ticketIDs []int64, scattered bool) (bodies, subjects map[int64]string, err error)
}

// filter is a ticket.Filter as SQL over tickets aliased t, its arguments
// numbered from $1.
type filter struct {
	cond string
	args []any
}

// and returns the filter as "AND cond", or "" when it filters nothing.
func (f filter) and() string {
	if f.cond == "" {
		return ""
	}
	return " AND " + f.cond
}

// matches are the rows a search ranks.
type matches struct {
	subjects []match
	messages []match
	// partial says older matches exist than those returned.
	partial bool
	// scattered says the matches may lie anywhere in the index, not only
	// among the newest.
	scattered bool
}

// match is one subject (MessageID 0) or message that matched.
type match struct {
	ticketID  int64
	messageID int64
	updatedAt time.Time // the ticket's, for ordering hits of equal rank
}

// Search runs q and returns one page of hits.
func (s *Service) Search(ctx context.Context, q Query) (*Results, error) {
	text := strings.TrimSpace(q.Q)
	if text == "" {
		return nil, apperr.Invalid("q", "is required: the words to search for")
	}
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	r := s.db.Reader(ctx)
	var f filter
	if f.cond, f.args, err = q.Filter.Condition(ctx, r); err != nil {
		return nil, err
	}
	pq := parseQuery(text)
	found, err := s.find(ctx, r, pq, f)
	if err != nil {
		return nil, err
	}
	scores := rank(found)
	page, next := pageOf(scores, after, limit)
	hits, err := s.hits(ctx, r, pq, page, found.scattered)
	if err != nil {
		return nil, err
	}
	return &Results{Items: hits, NextCursor: next, Partial: found.partial}, nil
}

// find collects the matches of pq: the ticket it names by number and the
// text matches.
func (s *Service) find(ctx context.Context, r db.Queryer, pq query, f filter) (*found, error) {
	out := &found{}
	if pq.number != 0 {
		m, ok, err := byNumber(ctx, r, pq.number, f)
		if err != nil {
			return nil, err
		}
		if ok {
			out.number = &m
		}
	}
	if len(pq.terms) == 0 {
		return out, nil
	}
	ms, err := s.engine.matches(ctx, r, pq, f, s.limits)
	if err != nil {
		return nil, err
	}
	out.matches = *ms
	n := s.limits.candidates
	if len(out.subjects) > n || len(out.messages) > n {
		out.partial = true // more matched than are ranked
	}
	out.subjects = out.subjects[:min(len(out.subjects), n)]
	out.messages = out.messages[:min(len(out.messages), n)]
	return out, nil
}

// found is everything a search matched, before ranking.
type found struct {
	matches
	number *match // the ticket the query names by number
}
