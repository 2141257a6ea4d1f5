package schedule

import (
	"bufio"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// MaxICalBytes bounds an imported calendar; a public holiday feed for
// several years is a few tens of kilobytes.
const MaxICalBytes = 1 << 20

// maxEventDays bounds one event's span, so a malformed DTEND cannot make
// a holiday of a decade.
const maxEventDays = 31

// ParseICal reads the holidays in an iCalendar file: the days each VEVENT
// covers, from DTSTART (a DATE, or the date part of a DATE-TIME) up to its
// exclusive DTEND when there is one. Other properties are ignored; only
// calendar days matter to a schedule.
func ParseICal(text string) ([]string, error) {
	if len(text) > MaxICalBytes {
		return nil, apperr.Invalid("ical", "is larger than %d bytes", MaxICalBytes)
	}
	var out []string
	var start, end string
	inEvent, sawCalendar := false, false
	for _, line := range unfold(text) {
		name, value := property(line)
		switch {
		case name == "BEGIN" && value == "VCALENDAR":
			sawCalendar = true
		case name == "BEGIN" && value == "VEVENT":
			inEvent, start, end = true, "", ""
		case name == "END" && value == "VEVENT" && inEvent:
			inEvent = false
			days, err := eventDays(start, end)
			if err != nil {
				return nil, err
			}
			out = append(out, days...)
		case inEvent && name == "DTSTART":
			start = value
		case inEvent && name == "DTEND":
			end = value
		}
	}
	if !sawCalendar {
		return nil, apperr.Invalid("ical", "is not an iCalendar file (no BEGIN:VCALENDAR)")
	}
	return out, nil
}

// unfold joins the continuation lines of RFC 5545 (a line starting with a
// space or tab continues the one before).
func unfold(text string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), MaxICalBytes)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(lines) > 0 {
			lines[len(lines)-1] += line[1:]
			continue
		}
		lines = append(lines, line)
	}
	return lines
}

// property splits "DTSTART;VALUE=DATE:20261224" into its upper-cased name
// without parameters and its value.
func property(line string) (name, value string) {
	head, value, ok := strings.Cut(line, ":")
	if !ok {
		return "", ""
	}
	name, _, _ = strings.Cut(head, ";")
	return strings.ToUpper(strings.TrimSpace(name)), strings.TrimSpace(value)
}

func eventDays(start, end string) ([]string, error) {
	from, err := icalDate(start)
	if err != nil {
		return nil, apperr.Invalid("ical", "an event's DTSTART %q is not a date", start)
	}
	if end == "" {
		return []string{from.Format(dateLayout)}, nil
	}
	to, err := icalDate(end)
	if err != nil {
		return nil, apperr.Invalid("ical", "an event's DTEND %q is not a date", end)
	}
	if !to.After(from) {
		to = from.AddDate(0, 0, 1)
	}
	if to.Sub(from) > maxEventDays*24*time.Hour {
		return nil, apperr.Invalid("ical", "an event from %s lasts more than %d days", from.Format(dateLayout), maxEventDays)
	}
	var days []string
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format(dateLayout))
	}
	return days, nil
}

// icalDate reads the date of an iCalendar DATE (20261224) or DATE-TIME
// (20261224T000000Z) value.
func icalDate(v string) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, apperr.Invalid("ical", "short date")
	}
	return time.Parse("20060102", v[:8])
}
