package kit

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/timezone"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Relative says when t was, as seen at now by someone in loc: "just now",
// "3 min ago", "today 14:05", "yesterday 14:05", "Mon 09:12" within the
// week, "12 Mar" within the year, "12 Mar 2025" before it; a time to come
// reads "in 5 min", "today 14:05", "tomorrow 09:00", then as a date. Days
// are the viewer's calendar days, so "yesterday" starts at their midnight,
// not 24 hours ago. static/time.js words it the same way in the browser:
// change both together (TestRelativeMatchesTheBrowser keeps them in step).
func Relative(t, now time.Time, loc *time.Location) string {
	d := now.Sub(t)
	switch {
	case d > -time.Minute && d < time.Minute:
		return "just now"
	case d >= time.Minute && d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d <= -time.Minute && d > -time.Hour:
		return fmt.Sprintf("in %d min", int(-d/time.Minute))
	}
	lt, ln := t.In(loc), now.In(loc)
	clock := lt.Format("15:04")
	switch days := daysBetween(lt, ln); {
	case days == 0:
		return "today " + clock
	case days == 1:
		return "yesterday " + clock
	case days == -1:
		return "tomorrow " + clock
	case days >= 2 && days <= 6:
		return lt.Format("Mon") + " " + clock
	case lt.Year() == ln.Year():
		return lt.Format("2 Jan")
	}
	return lt.Format("2 Jan 2006")
}

// daysBetween counts the calendar days from a's date to b's, each read on
// its own wall clock: 23:59 and 00:01 the next morning are a day apart.
func daysBetween(a, b time.Time) int {
	ad := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	bd := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(bd.Sub(ad) / (24 * time.Hour))
}

// Exact is t to the minute in loc, for the hover title of a relative time:
// "Tue 8 Dec 2026, 05:31 NZDT".
func Exact(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

// TimeElement is t as every page shows a moment: relative words in a
// <time> element that carries the instant (datetime, in UTC) and the
// viewer's zone (data-tz) for static/time.js to keep the words current,
// and the exact time as its title. A nil or zero time is "never".
func TimeElement(t any, now time.Time, loc *time.Location) template.HTML {
	var at time.Time
	switch v := t.(type) {
	case time.Time:
		at = v
	case *time.Time:
		if v != nil {
			at = *v
		}
	default:
		return template.HTML(html.EscapeString(fmt.Sprint(t)))
	}
	if at.IsZero() {
		return "never"
	}
	return template.HTML(`<time datetime="` + at.UTC().Format(time.RFC3339) +
		`" data-tz="` + html.EscapeString(loc.String()) +
		`" title="` + html.EscapeString(Exact(at, loc)) + `">` +
		html.EscapeString(Relative(at, now, loc)) + `</time>`)
}

// Waited is a wait as an inbox shows it: its length in words (already
// worked out, "3h"), in a <time> whose datetime is when the wait began, in
// UTC. A duration reads the same in every zone, so unlike when it needs no
// viewer's zone and time.js leaves it alone (it has no data-tz).
func Waited(since time.Time, length string) template.HTML {
	return template.HTML(`<time datetime="` + since.UTC().Format(time.RFC3339) + `">` +
		html.EscapeString(length) + `</time>`)
}

// Day is a calendar date (a review period's first day, a follow-up date),
// stored as midnight UTC: "12 Mar 2025", the same for every viewer, since
// a date is not a moment and shifting it into a zone would move it a day.
func Day(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format("2 Jan 2006")
	case *time.Time:
		if v != nil {
			return v.UTC().Format("2 Jan 2006")
		}
	}
	return ""
}

// Location is the zone pages show r's viewer times in: a signed-in user's
// own, else the desk's (setting time_zone), which customers in the portal
// see too.
func (k *Kit) Location(r *http.Request) *time.Location {
	if u := user.FromContext(r.Context()); u != nil && u.TimeZone != "" {
		return timezone.Location(u.TimeZone)
	}
	s, err := k.Settings.Get(r.Context())
	if err != nil {
		k.Log.Error("read the desk's time zone", "err", err)
		return time.UTC
	}
	return timezone.Location(s.TimeZone)
}

// ZoneLabel is a zone's name as a person reads it in a list:
// "America/New York" for America/New_York.
func ZoneLabel(name string) string { return strings.ReplaceAll(name, "_", " ") }
