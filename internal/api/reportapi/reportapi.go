// Package reportapi is the reports part of the JSON API: the numbers behind
// each chart, as JSON or CSV.
package reportapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/timezone"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves the report routes.
type Section struct {
	Reports *report.Service
	Now     func() time.Time // the clock; time.Now when nil
}

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/reports/{name}", Who: apikit.Lead, Handler: s.get, Doc: apikit.Op{
			Summary: "A report's numbers, from the hourly roll-ups: name is volume (created and solved per period), " +
				"first_reply_time or resolution_time (count, median_hours and p90_hours in calendar or business hours, " +
				"estimated from log-spaced histograms within about 19%), service_level (of the SLA metric's clocks due in " +
				"the period: met, missed, pending, goal and service_level = met / (met + missed) in percent, the formula of " +
				"the SLA service level; absent when nothing is decided), csat (answers and satisfied_percent, 4 or 5 of 5, " +
				"by the hour answered), ces (answers and average effort, 1-7), or backlog_age (unsolved tickets now, by age). " +
				"Periods are the reader's days or weeks from Monday (time_zone, else the caller's own zone, else UTC); rows " +
				"hold the periods that have figures, periods lists them all. The CSV has the same rows: period, group_key, " +
				"group, then the columns (empty where the JSON has no figure)",
			Query: []string{
				"from: the first day, YYYY-MM-DD (default 29 days before to)",
				"to: the last day, included, YYYY-MM-DD (default today); at most 400 days after from",
				"group_by: team, agent, channel or tag (default: the whole desk)",
				"interval: day (default) or week (the range then widens to whole weeks, named by their Monday)",
				"hours: calendar (default) or business, for first_reply_time and resolution_time: the open time of the " +
					"ticket's team schedule, else the desk default, as counted when the time was recorded",
				"metric: for service_level, first_reply (default), next_reply, periodic_update or resolution",
				"time_zone: an IANA zone for the days",
				"format: json (default) or csv",
			},
			Out: report.Result{}, CSV: true}},
	}
}

func (s Section) get(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return apperr.Invalid("format", "%q is not a format; use json or csv", format)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	zone := time.UTC
	if u := user.FromContext(r.Context()); u != nil && u.TimeZone != "" {
		zone = timezone.Location(u.TimeZone)
	}
	p, err := report.ParseParams(r.PathValue("name"), q, zone, now())
	if err != nil {
		return err
	}
	res, err := s.Reports.Run(r.Context(), p)
	if err != nil {
		return err
	}
	if format != "csv" {
		httpx.WriteJSON(w, http.StatusOK, res)
		return nil
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Join([]string{res.Name, res.From, res.To}, "_")+`.csv"`)
	return res.WriteCSV(w)
}
