package report

// HoursOnly is p read from the hourly roll-up alone, as before the daily
// one: what the daily path's answers are compared with.
func HoursOnly(p Params) Params {
	p.hoursOnly = true
	return p
}

// SpanDays is how many whole UTC days p reads from the daily roll-up.
func SpanDays(p Params) int64 {
	var n int64
	for _, r := range p.span().days {
		n += r[1] - r[0]
	}
	return n
}
