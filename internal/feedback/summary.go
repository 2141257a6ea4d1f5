package feedback

import (
	"context"
	"database/sql"
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
	q := s.db.Reader(ctx)
	sums, err := s.sums(ctx, q, groupBy, from, to)
	if err != nil {
		return nil, err
	}
	return s.summaryOf(ctx, q, groupBy, from, to, sums)
}

// summaryOf is the summary of sums by group key, named.
func (s *Service) summaryOf(ctx context.Context, q db.Queryer, groupBy string, from, to time.Time, sums map[string]tally) (*Summary, error) {
	out := &Summary{GroupBy: groupBy, From: from, To: to, Groups: []Group{}}
	for _, k := range sortedKeys(sums) {
		if sums[k].sent > 0 { // a day's counters may have gone back to nothing
			out.Groups = append(out.Groups, sums[k].group(k))
		}
	}
	return out, s.nameGroups(ctx, q, out)
}

// Overall answers the summary of every survey sent in [from, to) as one
// group (Key "all"): the desk's figures, counted from the surveys rather
// than from the groups' shares.
func (s *Service) Overall(ctx context.Context, from, to time.Time) (Group, error) {
	if from.After(to) {
		return Group{}, apperr.Invalid("from", "is after to")
	}
	sums, err := s.sums(ctx, s.db.Reader(ctx), "", from, to)
	if err != nil {
		return Group{}, err
	}
	return sums["all"].group("all"), nil
}

// tally is the sums behind a group's figures.
type tally struct {
	sent, answered, csatN, csatGood, csatSum, cesN, cesEasy, cesSum int64
}

func (t *tally) add(o tally) {
	t.sent, t.answered = t.sent+o.sent, t.answered+o.answered
	t.csatN, t.csatGood, t.csatSum = t.csatN+o.csatN, t.csatGood+o.csatGood, t.csatSum+o.csatSum
	t.cesN, t.cesEasy, t.cesSum = t.cesN+o.cesN, t.cesEasy+o.cesEasy, t.cesSum+o.cesSum
}

func (t tally) group(key string) Group {
	return Group{Key: key, Name: key, Sent: int(t.sent), Answered: int(t.answered),
		ResponseRate: share(t.answered, t.sent),
		CSATScore:    share(t.csatGood, t.csatN), CESEasy: share(t.cesEasy, t.cesN),
		CSATMean: mean(t.csatSum, t.csatN), CESMean: mean(t.cesSum, t.cesN)}
}

func sortedKeys(m map[string]tally) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sums answers the sums of the surveys sent in [from, to) by groupBy (""
// for the desk as one group, "all"). Whole UTC months and days are read
// from feedback_daily, which the database keeps as surveys change
// (migration 00058), and only the partial days at the ends from the
// surveys: a year is about 12 months x groups rather than every survey
// (issue 16: p99 <= 50 ms).
func (s *Service) sums(ctx context.Context, q db.Queryer, groupBy string, from, to time.Time) (map[string]tally, error) {
	first, last := wholeDays(from, to)
	out := map[string]tally{}
	if !first.Before(last) {
		return out, s.surveySums(ctx, q, groupBy, from, to, out)
	}
	if err := s.surveySums(ctx, q, groupBy, from, first, out); err != nil {
		return nil, err
	}
	if err := keptSums(ctx, q, groupBy, first, last, out); err != nil {
		return nil, err
	}
	return out, s.surveySums(ctx, q, groupBy, last, to, out)
}

// wholeDays is the first and the end of the whole UTC days in [from, to).
func wholeDays(from, to time.Time) (time.Time, time.Time) {
	first := from.UTC().Truncate(24 * time.Hour)
	if first.Before(from) {
		first = first.Add(24 * time.Hour)
	}
	return first, to.UTC().Truncate(24 * time.Hour)
}

// keptSums adds the kept sums of the whole days [first, last) to out: the
// whole months among them by the month, the rest by the day (the day
// grouping always by the day).
func keptSums(ctx context.Context, q db.Queryer, groupBy string, first, last time.Time, out map[string]tally) error {
	dim, key := groupBy, "dim_key"
	switch groupBy {
	case "day":
		return spanSums(ctx, q, "all", "period", "day", first.Format(time.DateOnly), last.Format(time.DateOnly), out)
	case "":
		dim = "all"
	}
	firstMonth := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	if firstMonth.Before(first) {
		firstMonth = firstMonth.AddDate(0, 1, 0)
	}
	lastMonth := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !firstMonth.Before(lastMonth) {
		return spanSums(ctx, q, dim, key, "day", first.Format(time.DateOnly), last.Format(time.DateOnly), out)
	}
	spans := []struct{ span, from, to string }{
		{"day", first.Format(time.DateOnly), firstMonth.Format(time.DateOnly)},
		{"month", firstMonth.Format("2006-01"), lastMonth.Format("2006-01")},
		{"day", lastMonth.Format(time.DateOnly), last.Format(time.DateOnly)},
	}
	for _, sp := range spans {
		if sp.from == sp.to {
			continue
		}
		if err := spanSums(ctx, q, dim, key, sp.span, sp.from, sp.to, out); err != nil {
			return err
		}
	}
	return nil
}

// spanSums adds the kept sums of one dim's days or months in [from, to)
// (YYYY-MM-DD or YYYY-MM) to out, keyed by key (dim_key, or period for
// the day grouping).
func spanSums(ctx context.Context, q db.Queryer, dim, key, span, from, to string, out map[string]tally) error {
	rows, err := q.QueryContext(ctx, `SELECT `+key+`, SUM(sent), SUM(answered), SUM(csat_n), SUM(csat_good),
			SUM(csat_sum), SUM(ces_n), SUM(ces_easy), SUM(ces_sum)
		FROM feedback_daily WHERE dim = $1 AND span = $2 AND period >= $3 AND period < $4 GROUP BY `+key,
		dim, span, from, to)
	if err != nil {
		return fmt.Errorf("feedback: kept sums by %s: %w", dim, err)
	}
	return scanSums(rows, out)
}

// surveySums adds the sums of the surveys sent in [from, to) to out,
// counted from the surveys themselves.
func (s *Service) surveySums(ctx context.Context, q db.Queryer, groupBy string, from, to time.Time, out map[string]tally) error {
	if !from.Before(to) {
		return nil
	}
	key, join, group := "'all'", "", ""
	if groupBy != "" {
		key, join = s.groupKey(groupBy)
		group = "GROUP BY k"
	}
	rows, err := q.QueryContext(ctx, `SELECT `+key+` AS k, COUNT(*), COUNT(s.answered_at),
			COUNT(s.csat), COALESCE(SUM(CASE WHEN s.csat >= 4 THEN 1 ELSE 0 END), 0), COALESCE(SUM(s.csat), 0),
			COUNT(s.ces), COALESCE(SUM(CASE WHEN s.ces >= 5 THEN 1 ELSE 0 END), 0), COALESCE(SUM(s.ces), 0)
		FROM feedback_surveys s `+join+`
		WHERE s.sent_at >= $1 AND s.sent_at < $2 `+group, db.Time(from), db.Time(to))
	if err != nil {
		return fmt.Errorf("feedback: summary by %s: %w", groupBy, err)
	}
	return scanSums(rows, out)
}

// scanSums adds rows of a key and the eight sums of a tally to out.
func scanSums(rows *sql.Rows, out map[string]tally) error {
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			t tally
		)
		if err := rows.Scan(&k, &t.sent, &t.answered, &t.csatN, &t.csatGood, &t.csatSum,
			&t.cesN, &t.cesEasy, &t.cesSum); err != nil {
			return fmt.Errorf("feedback: scan summary: %w", err)
		}
		sum := out[k]
		sum.add(t)
		out[k] = sum
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("feedback: summary: %w", err)
	}
	return nil
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

// nameGroups puts agents' and teams' names on their groups, read in one
// query (the live board asks for teams several times a refresh).
func (s *Service) nameGroups(ctx context.Context, q db.Queryer, sum *Summary) error {
	table := map[string]string{"agent": "users", "team": "teams"}[sum.GroupBy]
	if table == "" {
		return nil
	}
	var ids []any
	marks := []string{}
	for _, g := range sum.Groups {
		if id, _ := strconv.ParseInt(g.Key, 10, 64); id != 0 {
			ids = append(ids, id)
			marks = append(marks, "$"+strconv.Itoa(len(ids)))
		}
	}
	names := map[string]string{"0": "No team"}
	if len(ids) > 0 {
		rows, err := q.QueryContext(ctx, `SELECT id, name FROM `+table+` WHERE id IN (`+strings.Join(marks, ", ")+`)`, ids...)
		if err != nil {
			return fmt.Errorf("feedback: names of %ss: %w", sum.GroupBy, err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id   int64
				name string
			)
			if err := rows.Scan(&id, &name); err != nil {
				return fmt.Errorf("feedback: scan name: %w", err)
			}
			names[strconv.FormatInt(id, 10)] = name
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("feedback: names of %ss: %w", sum.GroupBy, err)
		}
	}
	for i := range sum.Groups {
		g := &sum.Groups[i]
		name, ok := names[g.Key]
		if !ok {
			return fmt.Errorf("feedback: name of %s %s: %w", sum.GroupBy, g.Key, sql.ErrNoRows)
		}
		g.Name = name
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
