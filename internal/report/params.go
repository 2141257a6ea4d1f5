package report

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/timezone"
)

// Report names.
const (
	Volume         = "volume"
	FirstReplyTime = "first_reply_time"
	ResolutionTime = "resolution_time"
	BacklogAge     = "backlog_age"
	ServiceLevel   = "service_level"
	CSAT           = "csat"
	CES            = "ces"
)

// Names lists the reports, in the order pages show them.
var Names = []string{Volume, FirstReplyTime, ResolutionTime, ServiceLevel, CSAT, CES, BacklogAge}

// Intervals a report's periods can be: local days, or weeks from Monday.
const (
	Day  = "day"
	Week = "week"
)

// Groups lists what a report can be grouped by; "" is the whole desk.
var Groups = []string{"", DimTeam, DimAgent, DimChannel, DimTag}

// MaxDays is the longest date range a report covers.
const MaxDays = 400

// DefaultDays is the range when none is given: the last 30 days.
const DefaultDays = 30

// Params says which report, over which local days, grouped how.
type Params struct {
	Name     string
	GroupBy  string         // "" for the whole desk
	Interval string         // Day or Week
	Hours    string         // CalendarHours or BusinessHours, for reply and resolution times
	Metric   string         // the SLA metric of service_level
	From     time.Time      // the first day, midnight in Zone
	To       time.Time      // the last day (included), midnight in Zone
	Zone     *time.Location // the reader's zone: days are theirs
	Now      time.Time      // backlog ages are counted to this moment

	hoursOnly bool // read every hour from report_hourly (tests compare the two roll-ups' answers)
}

// ParseParams reads a report's query (from, to, group_by, interval, hours,
// metric, time_zone) for name, in zone unless time_zone names another.
func ParseParams(name string, q url.Values, zone *time.Location, now time.Time) (Params, error) {
	p := Params{Name: name, GroupBy: q.Get("group_by"), Zone: zone, Now: now, Interval: q.Get("interval"),
		Hours: q.Get("hours"), Metric: q.Get("metric")}
	if !slices.Contains(Names, name) {
		return p, apperr.Invalid("name", "%q is not a report; reports are %s", name, strings.Join(Names, ", "))
	}
	if p.GroupBy == "none" {
		p.GroupBy = ""
	}
	if !slices.Contains(Groups, p.GroupBy) {
		return p, apperr.Invalid("group_by", "%q is not a grouping; use team, agent, channel or tag", p.GroupBy)
	}
	if err := p.parseChoices(); err != nil {
		return p, err
	}
	if tz := q.Get("time_zone"); tz != "" {
		loc, err := timezone.Check("time_zone", tz)
		if err != nil {
			return p, err
		}
		p.Zone = loc
	}
	if p.Zone == nil {
		p.Zone = time.UTC
	}
	today := midnight(now.In(p.Zone))
	var err error
	if p.To, err = parseDay("to", q.Get("to"), p.Zone, today); err != nil {
		return p, err
	}
	if p.From, err = parseDay("from", q.Get("from"), p.Zone, p.To.AddDate(0, 0, 1-DefaultDays)); err != nil {
		return p, err
	}
	switch {
	case p.From.After(p.To):
		return p, apperr.Invalid("from", "must be on or before to")
	case p.From.AddDate(0, 0, MaxDays).Before(p.To):
		return p, apperr.Invalid("to", "a report covers at most %d days", MaxDays)
	}
	if p.Interval == Week {
		p.From, p.To = monday(p.From), monday(p.To).AddDate(0, 0, 6)
	}
	return p, nil
}

// parseChoices checks interval, hours and metric, setting the defaults.
func (p *Params) parseChoices() error {
	if p.Interval == "" {
		p.Interval = Day
	}
	if p.Interval != Day && p.Interval != Week {
		return apperr.Invalid("interval", "%q is not an interval; use day or week", p.Interval)
	}
	if p.Hours == "" {
		p.Hours = CalendarHours
	}
	if p.Hours != CalendarHours && p.Hours != BusinessHours {
		return apperr.Invalid("hours", "%q is not a kind of hours; use business or calendar", p.Hours)
	}
	if p.Name != ServiceLevel {
		p.Metric = ""
		return nil
	}
	if p.Metric == "" {
		p.Metric = sla.FirstReply
	}
	if !slices.Contains(sla.Metrics, p.Metric) {
		return apperr.Invalid("metric", "%q is not an SLA metric; use %s", p.Metric, strings.Join(sla.Metrics, ", "))
	}
	return nil
}

// monday is the Monday of day's week.
func monday(day time.Time) time.Time {
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

func parseDay(field, v string, zone *time.Location, fallback time.Time) (time.Time, error) {
	if v == "" {
		return fallback, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, zone)
	if err != nil {
		return time.Time{}, apperr.Invalid(field, "%q is not a date (YYYY-MM-DD)", v)
	}
	return t, nil
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// Query is the query string that asks for p again, for links.
func (p Params) Query() url.Values {
	v := url.Values{}
	v.Set("from", p.From.Format(time.DateOnly))
	v.Set("to", p.To.Format(time.DateOnly))
	if p.GroupBy != "" {
		v.Set("group_by", p.GroupBy)
	}
	if p.Interval == Week {
		v.Set("interval", Week)
	}
	if p.Hours == BusinessHours {
		v.Set("hours", BusinessHours)
	}
	if p.Metric != "" {
		v.Set("metric", p.Metric)
	}
	return v
}

// dim is the roll-up dimension p reads.
func (p Params) dim() string {
	if p.GroupBy == "" {
		return DimAll
	}
	return p.GroupBy
}

// startHour is the first roll-up hour of a local day: hours are counted to
// the local day in which they start (rounded up for zones whose offset is
// not whole hours).
func startHour(day time.Time) int64 {
	u := day.Unix()
	return (u + 3599) / 3600
}

// hourSpan is the roll-up hours of p's days, [from, to).
func (p Params) hourSpan() (int64, int64) {
	return startHour(p.From), startHour(p.To.AddDate(0, 0, 1))
}
