package sla

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// explain says in a sentence where a clock stands and why its deadline is
// what it is: "Due Mon 12:00: 4 business hours from Fri 16:00; paused 2 h
// while pending; Dec 24 is a holiday". Times are in the schedule's zone
// (UTC for calendar hours), which the sentence names when it is not UTC.
func explain(c *Clock, state string, segs []Segment, now time.Time) string {
	cal := c.cal()
	loc := cal.Location()
	at := func(t time.Time) string { return t.In(loc).Format("Mon 15:04") }
	target := amount(c.TargetMinutes, c.BusinessHours && c.calendar != nil) + " from " + at(c.StartedAt)
	var head string
	switch state {
	case Active:
		if c.DueAt == nil {
			head = "No deadline: the schedule has no open time ahead; target " + target
		} else {
			head = fmt.Sprintf("Due %s: %s", at(*c.DueAt), target)
		}
	case Paused:
		head = fmt.Sprintf("Paused while %s: %s of %s used", pausedStatus(segs), span(c.Used(now)), target)
	case Fulfilled:
		head = fmt.Sprintf("Met %s, within %s", at(*c.FulfilledAt), target)
	case Breached:
		head = fmt.Sprintf("Breached %s: %s ran out", at(*breachTime(c)), target)
		if c.FulfilledAt != nil {
			head += fmt.Sprintf("; met late %s", at(*c.FulfilledAt))
		}
	}
	parts := []string{head}
	paused := pauses(segs)
	for _, status := range slices.Sorted(maps.Keys(paused)) {
		parts = append(parts, fmt.Sprintf("paused %s while %s", span(paused[status]), status))
	}
	end := now
	if c.DueAt != nil && c.DueAt.After(end) {
		end = *c.DueAt
	}
	if c.BusinessHours && c.calendar != nil {
		for _, day := range cal.HolidaysBetween(c.StartedAt, end) {
			d, _ := time.Parse("2006-01-02", day)
			parts = append(parts, d.Format("Jan 2")+" is a holiday")
		}
	}
	if name := zoneName(loc); name != "" {
		parts = append(parts, "times in "+name)
	}
	return strings.Join(parts, "; ")
}

func breachTime(c *Clock) *time.Time {
	if c.BreachedAt != nil {
		return c.BreachedAt
	}
	return c.DueAt
}

func zoneName(loc *time.Location) string {
	if loc == time.UTC || loc.String() == "UTC" {
		return ""
	}
	return loc.String()
}

// pausedStatus is the status of the last pause.
func pausedStatus(segs []Segment) string {
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i].Kind == SegPaused {
			return strings.ReplaceAll(segs[i].Status, "_", " ")
		}
	}
	return "paused"
}

// pauses sums the wall-clock time of the finished pauses by status; the
// pause still running is in the sentence's head.
func pauses(segs []Segment) map[string]time.Duration {
	out := map[string]time.Duration{}
	var from *Segment
	for i := range segs {
		switch segs[i].Kind {
		case SegPaused:
			from = &segs[i]
		case SegResumed, SegFulfilled, SegCancelled:
			if from != nil {
				out[strings.ReplaceAll(from.Status, "_", " ")] += segs[i].At.Sub(from.At)
				from = nil
			}
		}
	}
	return out
}

// span writes a duration as people say it: "4 hours", "2 h 30 min",
// "45 min", "3 days".
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0 && h == 1:
		return "1 hour"
	case m == 0:
		return fmt.Sprintf("%d hours", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// amount writes a target: "4 business hours", "90 minutes".
func amount(minutes int, business bool) string {
	kind := ""
	if business {
		kind = "business "
	}
	switch {
	case minutes == 60:
		return "1 " + kind + "hour"
	case minutes%60 == 0:
		return fmt.Sprintf("%d %shours", minutes/60, kind)
	}
	return fmt.Sprintf("%d %sminutes", minutes, kind)
}
