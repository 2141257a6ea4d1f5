package schedule

import "time"

// Open is one stretch of open time as instants.
type Open struct {
	From, To time.Time
}

// openOn returns the open stretches that begin on the local day (y, m, d),
// in order. An overnight interval belongs to the day it starts on: a
// holiday closes the shifts that start that day, tails included, and leaves
// the previous night's tail open. Wall-clock times are turned into instants
// by the zone's rules, so an interval across a daylight-saving change is an
// hour shorter or longer in real time; a start in the skipped hour begins
// when the clocks have gone forward.
func (c *Calendar) openOn(y int, m time.Month, d int) []Open {
	day := time.Date(y, m, d, 12, 0, 0, 0, c.loc)
	if c.holidays[day.Format(dateLayout)] {
		return nil
	}
	weekday := (int(day.Weekday()) + 6) % 7 // Monday first
	var out []Open
	for _, sp := range c.byDay[weekday] {
		from := time.Date(y, m, d, 0, sp.start, 0, 0, c.loc)
		to := time.Date(y, m, d, 0, sp.start+sp.length, 0, 0, c.loc)
		if to.After(from) {
			out = append(out, Open{From: from, To: to})
		}
	}
	return out
}

// walk calls fn with each open stretch that ends after start, in order,
// until fn returns false; it reports whether fn stopped it.
func (c *Calendar) walk(start time.Time, fn func(o Open) bool) bool {
	local := start.In(c.loc)
	// From the day before: its overnight intervals may still be open.
	y, m, d := local.AddDate(0, 0, -1).Date()
	for i := range searchDays {
		for _, o := range c.openOn(y, m, d+i) {
			if !o.To.After(start) {
				continue
			}
			if !fn(o) {
				return true
			}
		}
	}
	return false
}

// Deadline is the moment the given minutes of open time have passed after
// start. Zero minutes is start itself, open or not. A deadline that falls
// exactly at a closing time is that closing time, not the next opening.
func (c *Calendar) Deadline(start time.Time, minutes int) (time.Time, error) {
	return c.AddOpen(start, time.Duration(minutes)*time.Minute)
}

// AddOpen is Deadline for any duration of open time.
func (c *Calendar) AddOpen(start time.Time, left time.Duration) (time.Time, error) {
	if left <= 0 {
		return start, nil
	}
	var due time.Time
	found := c.walk(start, func(o Open) bool {
		from := o.From
		if start.After(from) {
			from = start
		}
		if avail := o.To.Sub(from); avail < left {
			left -= avail
			return true
		}
		due = from.Add(left)
		return false
	})
	if !found {
		return time.Time{}, ErrNoOpenTime
	}
	return due.UTC(), nil
}

// Elapsed is how much open time lies between from and to (zero when to is
// not after from).
func (c *Calendar) Elapsed(from, to time.Time) time.Duration {
	var sum time.Duration
	if !to.After(from) {
		return 0
	}
	c.walk(from, func(o Open) bool {
		if !o.From.Before(to) {
			return false
		}
		a, b := o.From, o.To
		if from.After(a) {
			a = from
		}
		if to.Before(b) {
			b = to
		}
		sum += b.Sub(a)
		return true
	})
	return sum
}

// IsOpen says whether t falls in open time.
func (c *Calendar) IsOpen(t time.Time) bool {
	open := false
	c.walk(t, func(o Open) bool {
		open = !o.From.After(t)
		return false
	})
	return open
}

// HolidaysBetween lists the holidays (YYYY-MM-DD) whose local day lies
// between from and to, for explanations ("Dec 24 is a holiday").
func (c *Calendar) HolidaysBetween(from, to time.Time) []string {
	var out []string
	if len(c.holidays) == 0 || to.Before(from) {
		return out
	}
	day := from.In(c.loc)
	y, m, d := day.Date()
	end := to.In(c.loc).Format(dateLayout)
	for i := 0; i <= searchDays; i++ {
		key := time.Date(y, m, d+i, 12, 0, 0, 0, c.loc).Format(dateLayout)
		if c.holidays[key] {
			out = append(out, key)
		}
		if key >= end {
			break
		}
	}
	return out
}
