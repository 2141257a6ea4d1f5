package recognition

import (
	"context"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// FeedFilter narrows the feed. Awards come newest first, in pages that end
// before the award with id Before.
type FeedFilter struct {
	AgentID  int64
	ValueID  int64
	TicketID int64
	Before   int64
	Limit    int
}

// Feed limits.
const (
	DefaultFeedLimit = 20
	MaxFeedLimit     = 100
)

// Feed returns awards, newest first, with their reactions and comments.
// Every signed-in user sees the whole organisation's feed: recognition is
// meant to be seen.
func (s *Service) Feed(ctx context.Context, who *user.User, f FeedFilter) ([]*Award, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultFeedLimit
	case f.Limit < 0 || f.Limit > MaxFeedLimit:
		return nil, apperr.Invalid("limit", "must be between 1 and %d", MaxFeedLimit)
	}
	q := s.db.Reader(ctx)
	awards, err := listAwards(ctx, q, f)
	if err != nil {
		return nil, err
	}
	if err := s.fillSocial(ctx, q, who, awards); err != nil {
		return nil, err
	}
	return awards, nil
}

// Award returns one award with its reactions and comments.
func (s *Service) Award(ctx context.Context, who *user.User, id int64) (*Award, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	a, err := getAward(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := s.fillSocial(ctx, q, who, []*Award{a}); err != nil {
		return nil, err
	}
	return a, nil
}

func listAwards(ctx context.Context, q db.Queryer, f FeedFilter) ([]*Award, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.AgentID != 0 {
		add("a.agent_id = $%d", f.AgentID)
	}
	if f.ValueID != 0 {
		add("a.value_id = $%d", f.ValueID)
	}
	if f.TicketID != 0 {
		add("a.ticket_id = $%d", f.TicketID)
	}
	if f.Before != 0 {
		// The page after award Before, in the feed's order (date, then id).
		add(`(a.created_at, a.id) < ((SELECT b.created_at FROM badge_awards b WHERE b.id = $%[1]d), $%[1]d)`, f.Before)
	}
	query := `SELECT ` + awardColumns + awardFrom
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	// Newest first by when it was awarded: an award recorded late (an
	// import, a backdated demo) still takes its place by date.
	query += fmt.Sprintf(` ORDER BY a.created_at DESC, a.id DESC LIMIT $%d`, len(args))
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("recognition: list awards: %w", err)
	}
	defer rows.Close()
	out := []*Award{}
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, fmt.Errorf("recognition: scan award: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Example is a ticket whose work earned a value's badge: the philosophy
// page lists them under the value, as the value in action.
type Example struct {
	AwardID       int64  `json:"award_id"`
	TicketID      int64  `json:"ticket_id"`
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
	AgentName     string `json:"agent_name"`
	Citation      string `json:"citation"`
}

// MaxExamples bounds the examples listed per value.
const MaxExamples = 5

// ExamplesByValue returns, for each value that has awards, its newest
// cited tickets (at most perValue, MaxExamples by default), keyed by the
// value's id.
func (s *Service) ExamplesByValue(ctx context.Context, perValue int) (map[int64][]Example, error) {
	if perValue <= 0 || perValue > MaxFeedLimit {
		perValue = MaxExamples
	}
	// Window functions exist on both SQLite (3.25+) and PostgreSQL.
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT value_id, id, ticket_id, number, subject, agent_name, citation
		FROM (SELECT a.value_id, a.id, a.ticket_id, t.number, t.subject, COALESCE(u.name, '') AS agent_name,
			a.citation, ROW_NUMBER() OVER (PARTITION BY a.value_id ORDER BY a.created_at DESC, a.id DESC) AS n
			FROM badge_awards a JOIN tickets t ON t.id = a.ticket_id LEFT JOIN users u ON u.id = a.agent_id
			WHERE a.value_id IS NOT NULL) x
		WHERE n <= $1 ORDER BY value_id, n`, perValue)
	if err != nil {
		return nil, fmt.Errorf("recognition: examples: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Example{}
	for rows.Next() {
		var valueID int64
		var e Example
		if err := rows.Scan(&valueID, &e.AwardID, &e.TicketID, &e.TicketNumber, &e.TicketSubject,
			&e.AgentName, &e.Citation); err != nil {
			return nil, fmt.Errorf("recognition: scan example: %w", err)
		}
		out[valueID] = append(out[valueID], e)
	}
	return out, rows.Err()
}

// ValueExamples returns one value's newest cited tickets, at most limit
// (MaxExamples by default).
func (s *Service) ValueExamples(ctx context.Context, who *user.User, valueID int64, limit int) ([]Example, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	switch {
	case limit == 0:
		limit = MaxExamples
	case limit < 0 || limit > MaxFeedLimit:
		return nil, apperr.Invalid("limit", "must be between 1 and %d", MaxFeedLimit)
	}
	q := s.db.Reader(ctx)
	if _, err := getValue(ctx, q, valueID); err != nil {
		return nil, apperr.NotFound("value")
	}
	awards, err := listAwards(ctx, q, FeedFilter{ValueID: valueID, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Example, len(awards))
	for i, a := range awards {
		out[i] = Example{AwardID: a.ID, TicketID: a.TicketID, TicketNumber: a.TicketNumber,
			TicketSubject: a.TicketSubject, AgentName: a.AgentName, Citation: a.Citation}
	}
	return out, nil
}
