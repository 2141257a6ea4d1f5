package report

import (
	"slices"
	"strconv"
	"strings"
)

// span is where a report's range is read from: the whole UTC days that
// each fall inside one period (a local day or week) from report_daily, and
// every other hour of the range from report_hourly. Each hour is counted
// once either way, so the sums are those of the hours alone; a year read in
// days is about 365 rows a group instead of 8,760.
type span struct {
	hours [][2]int64 // [from, to) hours of report_hourly
	days  [][2]int64 // [from, to) days of report_daily
}

// span splits p's hours between the two roll-ups. A UTC day goes to the
// daily one when all its hours have the same period: always for a UTC
// viewer, most days of a week elsewhere, none for local days off UTC. The
// day hourly (-1 for none) is read in hours whatever its period.
func (p Params) span(hourly int64) span {
	from, to := p.hourSpan()
	var sp span
	if p.hoursOnly {
		return span{hours: [][2]int64{{from, to}}}
	}
	h := from
	for d := (from + 23) / 24; (d+1)*24 <= to; d++ {
		if d == hourly || !p.wholeDay(d) {
			continue
		}
		sp.hours = addRange(sp.hours, h, d*24)
		sp.days = addRange(sp.days, d, d+1)
		h = (d + 1) * 24
	}
	sp.hours = addRange(sp.hours, h, to)
	return sp
}

// wholeDay says whether every hour of UTC day d has one period.
func (p Params) wholeDay(d int64) bool {
	first := p.periodOf(d * 24)
	for h := d*24 + 1; h < (d+1)*24; h++ {
		if p.periodOf(h) != first {
			return false
		}
	}
	return true
}

// addRange appends [from, to) to rs, joining it to the last range when
// they touch; an empty range adds nothing.
func addRange(rs [][2]int64, from, to int64) [][2]int64 {
	if from >= to {
		return rs
	}
	if n := len(rs); n > 0 && rs[n-1][1] == from {
		rs[n-1][1] = to
		return rs
	}
	return append(rs, [2]int64{from, to})
}

// sumsQuery is a report's sums per period and group: from the roll-up
// tables hourly and daily, of the rows of dimension $1 (args[0]) that
// match where (on the caller's further args; "" for all), cols are the
// columns it reads, sums the aggregates of them it selects (after period
// and dim_key), filter a condition that may skip a row before summing
// ("" for none), having the condition on a group's sums. A column "hour"
// in cols is the row's hour (a daily row's first), for sums that compare
// it; such a query always sums through the UNION ALL. All the SQL comes
// from the callers' fixed column names, never from input.
type sumsQuery struct {
	hourly, daily        rollupTable
	args                 []any
	where                string
	cols                 []string
	sums, filter, having string
	hourlyDay            int64 // a UTC day read in hours whatever its period, or -1
}

// reportSums is q over report_hourly and report_daily for p's grouping.
func (p Params) reportSums(q sumsQuery) (string, []any) {
	q.hourly, q.daily, q.args, q.hourlyDay = hourlyTable, dailyTable, []any{p.dim()}, -1
	return p.sums(q)
}

// sums is the SQL and arguments of q over p's range: one roll-up summed
// directly when the span needs one (and no column hour is read), else
// both joined with UNION ALL and summed.
func (p Params) sums(q sumsQuery) (string, []any) {
	args := q.args
	sp := p.span(q.hourlyDay)
	wrap := len(sp.hours) > 0 && len(sp.days) > 0 || slices.Contains(q.cols, "hour")
	var parts []string
	if len(sp.hours) > 0 {
		parts = append(parts, p.part(q, wrap, q.hourly, "hour", sp.hours, &args))
	}
	if len(sp.days) > 0 {
		parts = append(parts, p.part(q, wrap, q.daily, "(day * 24)", sp.days, &args))
	}
	tail := " GROUP BY 1, 2 HAVING " + q.having
	if !wrap {
		return parts[0] + tail, args
	}
	return "SELECT period, dim_key, " + q.sums + " FROM (" + strings.Join(parts, " UNION ALL ") + ") AS r" + tail, args
}

// part is the SELECT from one roll-up t of its rows in ranges: of q's
// sums, or of its columns when wrapped in the UNION ALL.
func (p Params) part(q sumsQuery, wrap bool, t rollupTable, hour string, ranges [][2]int64, args *[]any) string {
	mark := func(v int64) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	in := make([]string, len(ranges))
	for i, r := range ranges {
		in[i] = t.at + " >= " + mark(r[0]) + " AND " + t.at + " < " + mark(r[1])
	}
	period, periodArgs := p.periodExpr(hour, len(*args)+1)
	*args = append(*args, periodArgs...)
	where := "dim = $1 AND (" + strings.Join(in, " OR ") + ")"
	for _, w := range []string{q.where, q.filter} {
		if w != "" {
			where += " AND " + w
		}
	}
	list := q.sums
	if wrap {
		cols := slices.Clone(q.cols)
		if i := slices.Index(cols, "hour"); i >= 0 {
			cols[i] = hour + " AS hour"
		}
		list = strings.Join(cols, ", ")
	}
	return "SELECT " + period + " AS period, dim_key, " + list + " FROM " + t.name + " WHERE " + where
}
