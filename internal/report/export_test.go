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
	hourly := int64(-1)
	if p.Name == ServiceLevel {
		hourly = hourOf(p.Now) / 24
	}
	for _, r := range p.span(hourly).days {
		n += r[1] - r[0]
	}
	return n
}
