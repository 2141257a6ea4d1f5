package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Result is a report's numbers: one row per period (a local day, or an age
// bucket for backlog_age) and group, with a value per column. The JSON, the
// CSV and the chart are all made from it.
type Result struct {
	Name     string   `json:"name"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	GroupBy  string   `json:"group_by"`
	Interval string   `json:"interval"`         // day or week (periods are then Mondays)
	Hours    string   `json:"hours,omitempty"`  // business or calendar, for reply and resolution times
	Metric   string   `json:"metric,omitempty"` // the SLA metric of service_level
	TimeZone string   `json:"time_zone"`
	Columns  []string `json:"columns"`
	Periods  []string `json:"periods"` // every period of the range, in order, also those without rows
	Rows     []Row    `json:"rows"`
}

// Row is one period and group's figures. A column missing from Values has
// no figure (a service level with nothing decided): empty in the CSV, no
// point in the chart.
type Row struct {
	Period   string             `json:"period"`
	GroupKey string             `json:"group_key"` // team or user id, channel, tag; "" for none or the desk
	Group    string             `json:"group"`     // its name
	Values   map[string]float64 `json:"values"`
}

// reportColumns are each report's columns, in the CSV's order.
var reportColumns = map[string][]string{
	Volume:         {"created", "solved"},
	FirstReplyTime: {"count", "median_hours", "p90_hours"},
	ResolutionTime: {"count", "median_hours", "p90_hours"},
	ServiceLevel:   {"service_level", "goal", "met", "missed", "pending"},
	CSAT:           {"answers", "satisfied_percent"},
	CES:            {"answers", "average"},
	BacklogAge:     {"open"},
}

// Run answers the report p asks for.
func (s *Service) Run(ctx context.Context, p Params) (Result, error) {
	res := Result{Name: p.Name, From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly),
		GroupBy: p.GroupBy, Interval: p.Interval, Metric: p.Metric, TimeZone: p.Zone.String(), Rows: []Row{}}
	if p.Name == FirstReplyTime || p.Name == ResolutionTime {
		res.Hours = p.Hours
	}
	var err error
	res.Columns, res.Periods = reportColumns[p.Name], p.periods()
	switch p.Name {
	case Volume:
		res.Rows, err = s.volume(ctx, p)
	case FirstReplyTime, ResolutionTime:
		res.Rows, err = s.times(ctx, p)
	case ServiceLevel:
		res.Rows, err = s.serviceLevel(ctx, p)
	case CSAT:
		res.Rows, err = s.csat(ctx, p)
	case CES:
		res.Rows, err = s.ces(ctx, p)
	case BacklogAge:
		res.Rows, err = s.backlog(ctx, p)
	}
	if err != nil {
		return Result{}, err
	}
	if err := s.nameGroups(ctx, p.GroupBy, res.Rows); err != nil {
		return Result{}, err
	}
	sortRows(res)
	return res, nil
}

// periods lists p's local days, or the Mondays of its weeks.
func (p Params) periods() []string {
	if p.Name == BacklogAge {
		return ageLabels()
	}
	step := 1
	if p.Interval == Week {
		step = 7
	}
	var out []string
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, step) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// periodExpr is SQL that turns the roll-up hour the SQL expression hour
// gives into its period number: the local day (dayExpr), or for weeks the
// count of Monday-based weeks (day 4, 1970-01-05, was a Monday).
// periodLabel names a period number.
func (p Params) periodExpr(hour string, first int) (string, []any) {
	day, args := p.dayExpr(hour, first)
	if p.Interval == Week {
		return "((" + day + ") + 3) / 7", args
	}
	return day, args
}

func (p Params) periodLabel(n int64) string {
	if p.Interval == Week {
		return dayLabel(n*7 - 3)
	}
	return dayLabel(n)
}

// periodOf is the period number periodExpr gives hour h, in Go.
func (p Params) periodOf(h int64) int64 {
	_, off := time.Unix(h*3600, 0).In(p.Zone).Zone()
	day := (h*3600 + int64(off)) / 86400
	if p.Interval == Week {
		return (day + 3) / 7
	}
	return day
}

// dayExpr is SQL that turns the roll-up hour the SQL expression hour gives
// into its local day number (days since 1970-01-01 in the zone), with the
// zone's offset in force at each hour: a CASE over the offset changes in
// the range (two a year where clocks change), so SQL groups by local day
// and returns days x keys rows. Its arguments start at $first.
func (p Params) dayExpr(hour string, first int) (string, []any) {
	from, to := p.hourSpan()
	offset := func(h int64) int64 {
		_, off := time.Unix(h*3600, 0).In(p.Zone).Zone()
		return int64(off)
	}
	var b strings.Builder
	var args []any
	b.WriteString("(" + hour + " * 3600 + CASE")
	cur := offset(from)
	for h := from + 1; h < to; h++ {
		if off := offset(h); off != cur {
			fmt.Fprintf(&b, " WHEN %s < $%d THEN CAST($%d AS BIGINT)", hour, first+len(args), first+len(args)+1)
			args = append(args, h, cur)
			cur = off
		}
	}
	if len(args) == 0 { // one offset all along: no CASE
		return fmt.Sprintf("(%s * 3600 + CAST($%d AS BIGINT)) / 86400", hour, first), []any{cur}
	}
	fmt.Fprintf(&b, " ELSE CAST($%d AS BIGINT) END) / 86400", first+len(args))
	args = append(args, cur)
	return b.String(), args
}

func dayLabel(day int64) string { return time.Unix(day*86400, 0).UTC().Format(time.DateOnly) }

func (s *Service) volume(ctx context.Context, p Params) ([]Row, error) {
	q, args := p.reportSums(sumsQuery{cols: []string{"created", "solved"}, sums: "SUM(created), SUM(solved)",
		having: "SUM(created) <> 0 OR SUM(solved) <> 0"})
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report: volume: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var d, created, solved int64
		var key string
		if err := rows.Scan(&d, &key, &created, &solved); err != nil {
			return nil, fmt.Errorf("report: volume: %w", err)
		}
		out = append(out, Row{Period: p.periodLabel(d), GroupKey: key,
			Values: map[string]float64{"created": float64(created), "solved": float64(solved)}})
	}
	return out, rows.Err()
}

// times answers first_reply_time and resolution_time from the histograms.
func (s *Service) times(ctx context.Context, p Params) ([]Row, error) {
	prefix, sum, hist := "fr", "fr_sum", "fr_h"
	if p.Name == ResolutionTime {
		prefix, sum, hist = "res", "res_sum", "res_h"
	}
	if p.Hours == BusinessHours {
		sum, hist = prefix+"_bsum", prefix+"_bh"
	}
	cols := []string{prefix + "_n", sum}
	for k := range Buckets {
		cols = append(cols, fmt.Sprintf("%s%02d", hist, k))
	}
	sums := make([]string, len(cols))
	for i, c := range cols {
		// As BIGINT: PostgreSQL sums BIGINT as NUMERIC, which is slow
		// to send and decode, 34 a row.
		sums[i] = "CAST(SUM(" + c + ") AS BIGINT)"
	}
	q, args := p.reportSums(sumsQuery{cols: cols, sums: strings.Join(sums, ", "), filter: prefix + "_n <> 0",
		having: "SUM(" + prefix + "_n) > 0"})
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", p.Name, err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var d, n, sum int64
		var key string
		hist := make([]int64, Buckets)
		dst := []any{&d, &key, &n, &sum}
		for k := range hist {
			dst = append(dst, &hist[k])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("report: %s: %w", p.Name, err)
		}
		med, _ := quantile(hist, 0.5)
		p90, _ := quantile(hist, 0.9)
		if n == 1 { // one time: known exactly, no estimate needed
			med, p90 = float64(sum), float64(sum)
		}
		out = append(out, Row{Period: p.periodLabel(d), GroupKey: key, Values: map[string]float64{
			"count": float64(n), "median_hours": hours(med), "p90_hours": hours(p90)}})
	}
	return out, rows.Err()
}

// hours rounds seconds to hundredths of an hour: the one rounding, so the
// JSON, the CSV and the chart show the same number.
func hours(seconds float64) float64 { return math.Round(seconds/36) / 100 }

// ageEdges are the backlog's age buckets' upper bounds, in hours.
var ageEdges = []int64{4, 24, 72, 168, 672}

func ageLabels() []string {
	return []string{"under 4 h", "4-24 h", "1-3 days", "3-7 days", "1-4 weeks", "over 4 weeks"}
}

// backlog counts the unsolved tickets by age now, from the hours they were
// created in (to the hour).
func (s *Service) backlog(ctx context.Context, p Params) ([]Row, error) {
	now := hourOf(p.Now)
	var b strings.Builder
	args := []any{p.dim()}
	b.WriteString("CASE")
	for i, edge := range ageEdges {
		fmt.Fprintf(&b, " WHEN hour > $%d THEN %d", len(args)+1, i)
		args = append(args, now-edge)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(ageEdges))
	q := `SELECT ` + b.String() + ` AS bucket, dim_key, SUM(open_now) FROM report_hourly
		WHERE dim = $1 AND open_now <> 0 GROUP BY 1, 2 HAVING SUM(open_now) <> 0`
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report: backlog: %w", err)
	}
	defer rows.Close()
	labels := ageLabels()
	var out []Row
	for rows.Next() {
		var bucket, n int64
		var key string
		if err := rows.Scan(&bucket, &key, &n); err != nil {
			return nil, fmt.Errorf("report: backlog: %w", err)
		}
		out = append(out, Row{Period: labels[bucket], GroupKey: key, Values: map[string]float64{"open": float64(n)}})
	}
	return out, rows.Err()
}

// sortRows orders rows by period (as Periods lists them), then group name.
func sortRows(res Result) {
	pos := map[string]int{}
	for i, p := range res.Periods {
		pos[p] = i
	}
	sort.SliceStable(res.Rows, func(i, j int) bool {
		a, b := res.Rows[i], res.Rows[j]
		if pos[a.Period] != pos[b.Period] {
			return pos[a.Period] < pos[b.Period]
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.GroupKey < b.GroupKey
	})
}

// nameGroups fills each row's group name: teams and agents by name (read
// from their tables), channels and tags as they are.
func (s *Service) nameGroups(ctx context.Context, groupBy string, rows []Row) error {
	names := map[string]string{}
	var table string
	switch groupBy {
	case "":
		names[""] = "All tickets"
	case DimTeam:
		names[""], table = "No team", "teams"
	case DimAgent:
		names[""], table = "Unassigned", "users"
	}
	if table != "" {
		if err := s.readNames(ctx, table, names); err != nil {
			return err
		}
	}
	for i := range rows {
		if n, ok := names[rows[i].GroupKey]; ok {
			rows[i].Group = n
		} else if table != "" {
			rows[i].Group = "#" + rows[i].GroupKey // deleted since
		} else {
			rows[i].Group = rows[i].GroupKey
		}
	}
	return nil
}

// readNames reads every team's or user's name; both tables are small
// beside the tickets, and a report names only those it has rows for.
func (s *Service) readNames(ctx context.Context, table string, names map[string]string) error {
	q := `SELECT id, name FROM teams`
	if table == "users" {
		q = `SELECT id, name FROM users`
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("report: read %s names: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("report: read %s names: %w", table, err)
		}
		names[strconv.FormatInt(id, 10)] = name
	}
	return rows.Err()
}
