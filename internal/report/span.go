package report

import (
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
// viewer, most days of a week elsewhere, none for local days off UTC.
func (p Params) span() span {
	from, to := p.hourSpan()
	var sp span
	if p.hoursOnly {
		return span{hours: [][2]int64{{from, to}}}
	}
	h := from
	for d := (from + 23) / 24; (d+1)*24 <= to; d++ {
		if !p.wholeDay(d) {
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

// sumsQuery is a report's sums per period and group: cols are the roll-up
// columns it reads, sums the aggregates of them it selects (after period
// and dim_key), filter a condition on a row that may skip it ("" for
// none), having the condition on a group's sums. All of them come from the
// callers' fixed column names, never from input.
type sumsQuery struct {
	cols                 []string
	sums, filter, having string
}

// sums is the SQL and arguments of q over p's range and grouping: one
// roll-up read directly when the span needs one, else both joined with
// UNION ALL and summed.
func (p Params) sums(q sumsQuery) (string, []any) {
	args := []any{p.dim()}
	sp := p.span()
	both := len(sp.hours) > 0 && len(sp.days) > 0
	list := q.sums
	if both { // each part passes its rows' columns on to the sums
		list = strings.Join(q.cols, ", ")
	}
	var parts []string
	if len(sp.hours) > 0 {
		parts = append(parts, p.part(q.filter, list, hourlyTable, "hour", sp.hours, &args))
	}
	if len(sp.days) > 0 {
		parts = append(parts, p.part(q.filter, list, dailyTable, "(day * 24)", sp.days, &args))
	}
	tail := " GROUP BY 1, 2 HAVING " + q.having
	if !both {
		return parts[0] + tail, args
	}
	return "SELECT period, dim_key, " + q.sums + " FROM (" + strings.Join(parts, " UNION ALL ") + ") AS r" + tail, args
}

// part is the SELECT of list from one roll-up's rows in ranges.
func (p Params) part(filter, list string, t rollupTable, hour string, ranges [][2]int64, args *[]any) string {
	mark := func(v int64) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	in := make([]string, len(ranges))
	for i, r := range ranges {
		in[i] = t.at + " >= " + mark(r[0]) + " AND " + t.at + " < " + mark(r[1])
	}
	period, periodArgs := p.periodExprOf(hour, len(*args)+1)
	*args = append(*args, periodArgs...)
	where := "dim = $1 AND (" + strings.Join(in, " OR ") + ")"
	if filter != "" {
		where += " AND " + filter
	}
	return "SELECT " + period + " AS period, dim_key, " + list + " FROM " + t.name + " WHERE " + where
}
