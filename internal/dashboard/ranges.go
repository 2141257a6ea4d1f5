package dashboard

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/report"
)

// Ranges are the date ranges a widget or a subscription covers, counted
// back from the reader's today: the days are the reader's, so a lead in
// Sydney and one in Denver each see their own "last 7 days".
var Ranges = []string{"last_7_days", "last_30_days", "last_90_days", "this_week", "last_week", "this_month"}

// RangeLabels name the ranges for people.
var RangeLabels = map[string]string{
	"last_7_days": "Last 7 days", "last_30_days": "Last 30 days", "last_90_days": "Last 90 days",
	"this_week": "This week", "last_week": "Last week", "this_month": "This month",
}

// days is the first and last day (both included) of rng for a reader whose
// today is the local date of now; weeks start on Monday.
func days(rng string, now time.Time) (from, to time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	switch rng {
	case "this_week":
		return monday, today
	case "last_week":
		return monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1)
	case "this_month":
		return today.AddDate(0, 0, 1-today.Day()), today
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rng, "last_"), "_days"))
	return today.AddDate(0, 0, 1-max(n, 1)), today
}

// Params are the report parameters a widget asks for, for a reader in zone
// at now: the same report.ParseParams every report door uses.
func (w Widget) Params(zone *time.Location, now time.Time) (report.Params, error) {
	from, to := days(w.Range, now.In(zone))
	q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}}
	if w.GroupBy != "" {
		q.Set("group_by", w.GroupBy)
	}
	return report.ParseParams(w.Report, q, zone, now)
}
