package feedback

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Groupings of a summary.
var GroupBys = []string{"agent", "team", "channel", "day"}

// DefaultRange is the summary's period when from is not given.
const DefaultRange = 30 * 24 * time.Hour

// Group is one line of a summary. The population is the surveys sent in
// the period; the answers are those surveys' answers. Shares are percents
// with one decimal; means have two decimals; a figure with no answer
// behind it is null.
type Group struct {
	Key          string   `json:"key"`  // the agent's or team's id ("0": no team), the channel, or the day (YYYY-MM-DD, UTC)
	Name         string   `json:"name"` // the agent's or team's name, else the key
	Answered     int      `json:"answered"`
	Sent         int      `json:"sent"`
	ResponseRate *float64 `json:"response_rate"` // answered / sent
	CSATScore    *float64 `json:"csat_score"`    // share of CSAT answers scoring 4 or 5
	CSATMean     *float64 `json:"csat_mean"`
	CESMean      *float64 `json:"ces_mean"`
	CESEasy      *float64 `json:"ces_easy"` // share of CES answers scoring 5 to 7
}

// Summary is the answer of Summarize.
type Summary struct {
	GroupBy string    `json:"group_by"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Groups  []Group   `json:"groups"`
}

// ParseRange reads the from and to of a report: RFC 3339 times or dates
// (YYYY-MM-DD, UTC; a date as to includes that whole day). Without to, it
// is now; without from, DefaultRange before to. From after to is refused.
func ParseRange(from, to string, now time.Time) (time.Time, time.Time, error) {
	end := now.UTC()
	if to != "" {
		t, dateOnly, err := parseWhen("to", to)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if end = t; dateOnly {
			end = t.AddDate(0, 0, 1)
		}
	}
	start := end.Add(-DefaultRange)
	if from != "" {
		t, _, err := parseWhen("from", from)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		start = t
	}
	if start.After(end) {
		return time.Time{}, time.Time{}, apperr.Invalid("from", "is after to")
	}
	return start, end, nil
}

func parseWhen(field, s string) (time.Time, bool, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false, apperr.Invalid(field, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
	}
	return t.UTC(), false, nil
}

// Summarize answers the summary of the surveys sent in [from, to) by
// groupBy. With "agent", a survey counts for every agent it is attributed
// to (the assignee and the public repliers at its solve).
func (s *Service) Summarize(ctx context.Context, groupBy string, from, to time.Time) (*Summary, error) {
	if !slices.Contains(GroupBys, groupBy) {
		return nil, apperr.Invalid("group_by", "must be one of %s", strings.Join(GroupBys, ", "))
	}
	if from.After(to) {
		return nil, apperr.Invalid("from", "is after to")
	}
	key, join := s.groupKey(groupBy)
	return s.summarize(ctx, groupBy, key, join, "GROUP BY k ORDER BY k", from, to)
}

// Overall answers the summary of every survey sent in [from, to) as one
// group (Key "all"): the desk's figures, counted from the surveys rather
// than from the groups' shares.
func (s *Service) Overall(ctx context.Context, from, to time.Time) (Group, error) {
	if from.After(to) {
		return Group{}, apperr.Invalid("from", "is after to")
	}
	sum, err := s.summarize(ctx, "", "'all'", "", "", from, to)
	if err != nil {
		return Group{}, err
	}
	return sum.Groups[0], nil // no GROUP BY: always one row
}

// summarize runs the summary's one query with a grouping's key, join and
// GROUP BY clause, all from the fixed lists above.
func (s *Service) summarize(ctx context.Context, groupBy, key, join, group string, from, to time.Time) (*Summary, error) {
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+key+` AS k, COUNT(*), COUNT(s.answered_at),
			COUNT(s.csat), COALESCE(SUM(CASE WHEN s.csat >= 4 THEN 1 ELSE 0 END), 0), COALESCE(SUM(s.csat), 0),
			COUNT(s.ces), COALESCE(SUM(CASE WHEN s.ces >= 5 THEN 1 ELSE 0 END), 0), COALESCE(SUM(s.ces), 0)
		FROM feedback_surveys s `+join+`
		WHERE s.sent_at >= $1 AND s.sent_at < $2 `+group, db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("feedback: summary by %s: %w", groupBy, err)
	}
	defer rows.Close()
	out := &Summary{GroupBy: groupBy, From: from, To: to, Groups: []Group{}}
	for rows.Next() {
		var (
			g                               Group
			csatN, csatGood, csatSum, cesN  int64
			cesEasy, cesSum, sent, answered int64
		)
		if err := rows.Scan(&g.Key, &sent, &answered, &csatN, &csatGood, &csatSum, &cesN, &cesEasy, &cesSum); err != nil {
			return nil, fmt.Errorf("feedback: scan summary: %w", err)
		}
		g.Sent, g.Answered, g.Name = int(sent), int(answered), g.Key
		g.ResponseRate = share(answered, sent)
		g.CSATScore, g.CESEasy = share(csatGood, csatN), share(cesEasy, cesN)
		g.CSATMean, g.CESMean = mean(csatSum, csatN), mean(cesSum, cesN)
		out.Groups = append(out.Groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: summary by %s: %w", groupBy, err)
	}
	return out, s.nameGroups(ctx, q, out)
}

// groupKey is the SQL of a grouping's key, as text, and the join it needs;
// both come from this fixed list, never from the request.
func (s *Service) groupKey(groupBy string) (key, join string) {
	switch groupBy {
	case "agent":
		return castText(s.db, "a.user_id"), `JOIN feedback_survey_agents a ON a.survey_id = s.id`
	case "team":
		return castText(s.db, "COALESCE(s.team_id, 0)"), ``
	case "channel":
		return "s.channel", ``
	}
	if s.db.Dialect() == db.Postgres {
		return `to_char(s.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, ``
	}
	return `substr(s.sent_at, 1, 10)`, `` // times are fixed-width UTC text
}

func castText(d *db.DB, expr string) string {
	if d.Dialect() == db.Postgres {
		return expr + `::text`
	}
	return `CAST(` + expr + ` AS TEXT)`
}

// nameGroups puts agents' and teams' names on their groups.
func (s *Service) nameGroups(ctx context.Context, q db.Queryer, sum *Summary) error {
	table := map[string]string{"agent": "users", "team": "teams"}[sum.GroupBy]
	if table == "" {
		return nil
	}
	for i := range sum.Groups {
		g := &sum.Groups[i]
		id, _ := strconv.ParseInt(g.Key, 10, 64)
		if id == 0 {
			g.Name = "No team"
			continue
		}
		err := q.QueryRowContext(ctx, `SELECT name FROM `+table+` WHERE id = $1`, id).Scan(&g.Name)
		if err != nil {
			return fmt.Errorf("feedback: name of %s %d: %w", sum.GroupBy, id, err)
		}
	}
	return nil
}

// share is part of whole in percent with one decimal; nil for no whole.
func share(part, whole int64) *float64 {
	if whole == 0 {
		return nil
	}
	v := math.Round(float64(part)*1000/float64(whole)) / 10
	return &v
}

// mean is sum/n with two decimals; nil for no n.
func mean(sum, n int64) *float64 {
	if n == 0 {
		return nil
	}
	v := math.Round(float64(sum)*100/float64(n)) / 100
	return &v
}
