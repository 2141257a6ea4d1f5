package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Interval is one weekly stretch of open time in the schedule's zone. An
// interval whose end is earlier than its start runs overnight into the next
// day; "24:00" as an end means midnight at the end of the day.
type Interval struct {
	Day   string `json:"day"`   // mon, tue, wed, thu, fri, sat, sun
	Start string `json:"start"` // HH:MM
	End   string `json:"end"`   // HH:MM, or 24:00
}

// days are the day names in the order of the week as the intervals count it.
var days = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	// searchDays bounds the walk through open time: a schedule open one hour
	// a week still answers a year-long target, and a schedule that is all
	// holidays fails instead of walking for ever.
	searchDays = 3 * 366
	dateLayout = "2006-01-02"
)

// ErrNoOpenTime says a deadline cannot be reached: the schedule has no open
// time left within the search horizon.
var ErrNoOpenTime = errors.New("schedule: no open time within three years")

// span is one interval made concrete: its day of the week and its start and
// length in minutes of wall-clock time.
type span struct {
	weekday int // 0 = Monday
	start   int // minutes after midnight
	length  int // minutes, may run past midnight
}

// Calendar is a schedule compiled for arithmetic: its zone, its weekly
// intervals per weekday, and its holidays.
type Calendar struct {
	loc      *time.Location
	byDay    [7][]span // sorted by start
	holidays map[string]bool
}

// Compile checks a schedule's zone, intervals and holidays and returns the
// Calendar that does its arithmetic. Problems are apperr.Invalid naming the
// field at fault ("intervals[1].start").
func Compile(zone string, intervals []Interval, holidays []string) (*Calendar, error) {
	loc, err := loadZone(zone)
	if err != nil {
		return nil, err
	}
	c := &Calendar{loc: loc, holidays: map[string]bool{}}
	var all []span
	for i, iv := range intervals {
		sp, err := parseInterval(i, iv)
		if err != nil {
			return nil, err
		}
		all = append(all, sp)
		c.byDay[sp.weekday] = append(c.byDay[sp.weekday], sp)
	}
	if err := checkOverlaps(intervals, all); err != nil {
		return nil, err
	}
	for d := range c.byDay {
		slices.SortFunc(c.byDay[d], func(a, b span) int { return a.start - b.start })
	}
	for i, h := range holidays {
		day, err := ParseDate(h)
		if err != nil {
			return nil, apperr.Invalid(fmt.Sprintf("holidays[%d]", i), "%q is not a date (YYYY-MM-DD)", h)
		}
		c.holidays[day] = true
	}
	return c, nil
}

// AllHours is the calendar of a desk with no schedule: every minute counts.
func AllHours() *Calendar {
	c := &Calendar{loc: time.UTC, holidays: map[string]bool{}}
	for d := range c.byDay {
		c.byDay[d] = []span{{weekday: d, start: 0, length: minutesPerDay}}
	}
	return c
}

// Location is the calendar's zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsHoliday says whether the local day of t is a holiday.
func (c *Calendar) IsHoliday(t time.Time) bool {
	return c.holidays[t.In(c.loc).Format(dateLayout)]
}

func loadZone(zone string) (*time.Location, error) {
	// time.LoadLocation takes "" and "Local" to mean the machine's zone,
	// which a schedule must never depend on.
	if strings.TrimSpace(zone) == "" || zone == "Local" {
		return nil, apperr.Invalid("time_zone", "is required, an IANA zone such as Europe/London")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, apperr.Invalid("time_zone", "%q is not a known time zone", zone)
	}
	return loc, nil
}

// ParseDate checks s is a calendar date and returns it in YYYY-MM-DD form.
func ParseDate(s string) (string, error) {
	d, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	return d.Format(dateLayout), nil
}

func parseInterval(i int, iv Interval) (span, error) {
	field := fmt.Sprintf("intervals[%d]", i)
	day := slices.Index(days, strings.ToLower(strings.TrimSpace(iv.Day)))
	if day < 0 {
		return span{}, apperr.Invalid(field+".day", "unknown day %q: use mon, tue, wed, thu, fri, sat or sun", iv.Day)
	}
	start, err := parseClock(iv.Start, false)
	if err != nil {
		return span{}, apperr.Invalid(field+".start", "%q is not a time of day (HH:MM)", iv.Start)
	}
	end, err := parseClock(iv.End, true)
	if err != nil {
		return span{}, apperr.Invalid(field+".end", "%q is not a time of day (HH:MM, or 24:00)", iv.End)
	}
	if start == end {
		return span{}, apperr.Invalid(field+".end", "equals the start (%s); an interval needs some open time", iv.Start)
	}
	length := end - start
	if length < 0 {
		length += minutesPerDay // overnight into the next day
	}
	return span{weekday: day, start: start, length: length}, nil
}

// parseClock reads HH:MM as minutes after midnight; 24:00 only as an end.
func parseClock(s string, end bool) (int, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, errors.New("not HH:MM")
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 {
		return 0, errors.New("not HH:MM")
	}
	if h == 24 && m == 0 && end {
		return minutesPerDay, nil
	}
	if h > 23 {
		return 0, errors.New("not HH:MM")
	}
	return h*60 + m, nil
}

// checkOverlaps refuses intervals that share a minute, on the circle of the
// week: Sunday's overnight interval runs into Monday.
func checkOverlaps(intervals []Interval, spans []span) error {
	type piece struct{ from, to, index int }
	var pieces []piece
	for i, sp := range spans {
		from := sp.weekday*minutesPerDay + sp.start
		to := from + sp.length
		if to > minutesPerWeek {
			pieces = append(pieces, piece{from, minutesPerWeek, i}, piece{0, to - minutesPerWeek, i})
		} else {
			pieces = append(pieces, piece{from, to, i})
		}
	}
	slices.SortFunc(pieces, func(a, b piece) int { return a.from - b.from })
	for k := 1; k < len(pieces); k++ {
		prev, cur := pieces[k-1], pieces[k]
		if cur.from < prev.to {
			a, b := min(prev.index, cur.index), max(prev.index, cur.index)
			return apperr.Invalid(fmt.Sprintf("intervals[%d]", b), "overlaps intervals[%d] (%s %s-%s)",
				a, intervals[a].Day, intervals[a].Start, intervals[a].End)
		}
	}
	return nil
}
