package sla

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Service level is the share of a metric's clocks, due in a period, that
// were fulfilled within their target:
//
//	service level = met / (met + missed)
//
// where a clock is due in the period when its deadline falls in [from, to),
// met when it was fulfilled before its deadline, and missed when it
// breached (fulfilled late or still open) or its deadline has passed while
// it is still open (a breach the check job has not recorded yet). Clocks
// whose deadline is still ahead are pending: not yet decided, left out of
// the share and counted apart. Cancelled clocks (no policy targets the
// metric any more) count nowhere. A period with nothing decided has no
// service level (Share is nil), never 100%.
//
// This is the one formula: the API, reports, the live board and alerts
// all call LevelOf or ServiceLevel.

// LevelFilter chooses the clocks of a service level.
type LevelFilter struct {
	Metric   string    // first_reply, next_reply, periodic_update or resolution
	From, To time.Time // deadlines in [From, To)
	TeamID   int64     // 0: every team
	Channel  string    // "": every channel
	// AssigneeID keeps the clocks of tickets assigned to this agent now
	// (0: every ticket): an agent's own figures, by the same formula.
	AssigneeID int64
}

// Level is a service level and the counts behind it.
type Level struct {
	Due     int      `json:"due"`     // met + missed + pending
	Met     int      `json:"met"`     // fulfilled by the deadline
	Missed  int      `json:"missed"`  // breached, or past the deadline and open
	Pending int      `json:"pending"` // deadline still ahead
	Share   *float64 `json:"share"`   // met / (met + missed), nil when nothing is decided
}

// LevelOf counts a level from its parts; the one place the share is made.
func LevelOf(met, missed, pending int) Level {
	l := Level{Due: met + missed + pending, Met: met, Missed: missed, Pending: pending}
	if decided := met + missed; decided > 0 {
		share := float64(met) / float64(decided)
		l.Share = &share
	}
	return l
}

// Add returns the level of both sets of clocks together.
func (l Level) Add(o Level) Level {
	return LevelOf(l.Met+o.Met, l.Missed+o.Missed, l.Pending+o.Pending)
}

// LevelGroups are the groupings ServiceLevelBy answers.
var LevelGroups = []string{"team", "channel"}

// GroupLevel is the level of one group: a team (Key is its id, "" for
// tickets of no team) or a channel.
type GroupLevel struct {
	Key string `json:"key"`
	Level
}

// ServiceLevel answers the service level of the clocks f chooses, as of
// now.
func (s *Service) ServiceLevel(ctx context.Context, f LevelFilter) (Level, error) {
	groups, err := s.serviceLevel(ctx, f, "")
	if err != nil {
		return Level{}, err
	}
	var total Level
	for _, g := range groups {
		total = total.Add(g.Level)
	}
	return LevelOf(total.Met, total.Missed, total.Pending), nil
}

// ServiceLevelBy answers the service level of each team or channel, in the
// order of their keys.
func (s *Service) ServiceLevelBy(ctx context.Context, f LevelFilter, groupBy string) ([]GroupLevel, error) {
	if !slices.Contains(LevelGroups, groupBy) {
		return nil, apperr.Invalid("group_by", "must be one of %s", strings.Join(LevelGroups, ", "))
	}
	return s.serviceLevel(ctx, f, groupBy)
}

func (s *Service) serviceLevel(ctx context.Context, f LevelFilter, groupBy string) ([]GroupLevel, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	key, group := "''", ""
	switch groupBy {
	case "team":
		key = "team_id"
	case "channel":
		key = "channel"
	}
	if groupBy != "" {
		group = "GROUP BY " + key + " ORDER BY " + key
	}
	now := s.now()
	where, args := f.where()
	n := len(args)
	args = append(args, db.Time(now))
	// One pass over the clocks due in the period (index sla_clocks_metric_due).
	q := fmt.Sprintf(`
		SELECT %[1]s,
			COALESCE(SUM(CASE WHEN state = 'fulfilled' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN state = 'breached' OR (state IN ('active', 'paused') AND due_at <= $%[2]d) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN state IN ('active', 'paused') AND due_at > $%[2]d THEN 1 ELSE 0 END), 0)
		FROM sla_clocks WHERE %[3]s %[4]s`, key, n+1, where, group)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sla: service level: %w", err)
	}
	defer rows.Close()
	var out []GroupLevel
	for rows.Next() {
		var group any
		var met, missed, pending int
		if err := rows.Scan(&group, &met, &missed, &pending); err != nil {
			return nil, fmt.Errorf("sla: service level: %w", err)
		}
		out = append(out, GroupLevel{Key: groupKey(group), Level: LevelOf(met, missed, pending)})
	}
	return out, rows.Err()
}

// where chooses the clocks due in the period, cancelled ones left out.
func (f LevelFilter) where() (string, []any) {
	clauses := []string{"metric = $1", "due_at >= $2", "due_at < $3", "state <> 'cancelled'"}
	args := []any{f.Metric, db.Time(f.From), db.Time(f.To)}
	if f.TeamID != 0 {
		args = append(args, f.TeamID)
		clauses = append(clauses, fmt.Sprintf("team_id = $%d", len(args)))
	}
	if f.Channel != "" {
		args = append(args, f.Channel)
		clauses = append(clauses, fmt.Sprintf("channel = $%d", len(args)))
	}
	if f.AssigneeID != 0 {
		args = append(args, f.AssigneeID)
		clauses = append(clauses, fmt.Sprintf("ticket_id IN (SELECT id FROM tickets WHERE assignee_id = $%d)", len(args)))
	}
	return strings.Join(clauses, " AND "), args
}

func (f LevelFilter) validate() error {
	if !slices.Contains(Metrics, f.Metric) {
		return apperr.Invalid("metric", "must be one of %s", strings.Join(Metrics, ", "))
	}
	if f.From.IsZero() || f.To.IsZero() {
		return apperr.Invalid("from", "a period needs both from and to")
	}
	if !f.To.After(f.From) {
		return apperr.Invalid("to", "must be after from")
	}
	return nil
}

// groupKey writes a grouping value as text: a team id, a channel, or ""
// for clocks of no team.
func groupKey(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(v, 10)
	case []byte:
		return string(v)
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}
