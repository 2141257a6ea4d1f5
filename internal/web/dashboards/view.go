package dashboards

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// drillPath is the page a chart's point opens (leads and admins).
const drillPath = "/reports/tickets"

type listData struct {
	kit.Page
	Dashboards    []listItem
	Subscriptions []subView
	// The form that has one report emailed (leads and admins).
	Reports, Groups, Ranges, Weekdays, Hours []option
	kit.FormProblem
}

type listItem struct {
	*dashboard.Dashboard
	Sharing string
	Mine    bool
}

// subView is a subscription as the pages list it.
type subView struct {
	*dashboard.Subscription
	What     string // the dashboard's or the report's name
	Link     string
	Schedule string // "Every Monday at 08:00"
}

func (wb *Pages) listPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderList(w, r, http.StatusOK, kit.FormProblem{})
}

func (wb *Pages) renderList(w http.ResponseWriter, r *http.Request, status int, pr kit.FormProblem) error {
	ctx := r.Context()
	all, err := wb.Dashboards.List(ctx, me(r))
	if err != nil {
		return err
	}
	teams, err := wb.teamNames(r)
	if err != nil {
		return err
	}
	d := &listData{Page: wb.BasePage(r, "Dashboards"), Reports: reportOptions(), Groups: groupOptions,
		Ranges: rangeOptions(), Weekdays: weekdayOptions, Hours: hourOptions(), FormProblem: pr}
	for _, x := range all {
		d.Dashboards = append(d.Dashboards, listItem{Dashboard: x, Sharing: sharing(x, teams), Mine: x.OwnerID == me(r).ID})
	}
	if d.Subscriptions, err = wb.subscriptions(r, all, nil); err != nil {
		return err
	}
	wb.Render(w, r, status, "dashboards", d)
	return nil
}

func (wb *Pages) teamNames(r *http.Request) (map[int64]string, error) {
	teams, err := wb.Teams.List(r.Context())
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, t := range teams {
		out[t.ID] = t.Name
	}
	return out, nil
}

// sharing says who besides its owner may open d.
func sharing(d *dashboard.Dashboard, teams map[int64]string) string {
	switch {
	case d.SharedWith == dashboard.ShareEveryone:
		return "Shared with everyone"
	case d.SharedWith == dashboard.ShareTeam && d.TeamID != nil:
		return "Shared with " + teams[*d.TeamID]
	}
	return "Not shared"
}

// subscriptions lists the viewer's subscriptions, only those to dashboard
// only when it is set.
func (wb *Pages) subscriptions(r *http.Request, visible []*dashboard.Dashboard, only *int64) ([]subView, error) {
	subs, err := wb.Dashboards.Subscriptions(r.Context(), me(r))
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, d := range visible {
		names[d.ID] = d.Name
	}
	var out []subView
	for _, s := range subs {
		if only != nil && (s.DashboardID == nil || *s.DashboardID != *only) {
			continue
		}
		v := subView{Subscription: s, What: dashboard.ReportLabel(s.Report), Schedule: schedule(s),
			Link: "/reports?name=" + s.Report}
		if s.DashboardID != nil {
			v.What, v.Link = names[*s.DashboardID], fmt.Sprintf("/dashboards/%d", *s.DashboardID)
			if v.What == "" {
				v.What = "A dashboard no longer shared with you"
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func schedule(s *dashboard.Subscription) string {
	at := twoDigits(s.Hour) + ":00 " + kit.ZoneLabel(s.TimeZone)
	if s.Frequency == dashboard.Weekly {
		for _, o := range weekdayOptions {
			if o.Value == s.Weekday {
				return "Every " + o.Label + " at " + at
			}
		}
	}
	return "Every day at " + at
}

type dashboardData struct {
	kit.Page
	Dashboard     *dashboard.Dashboard
	Sharing       string
	CanEdit       bool
	Zone          string
	Widgets       []widgetView
	Subscriptions []subView
	Weekdays      []option
	Hours         []option
	kit.FormProblem
}

// widgetView is one widget as drawn: its chart made from the same result
// the API answers, and that result's rows for the table and the CSV.
type widgetView struct {
	Index   int
	Heading string
	Range   string
	Size    string
	Table   bool // drawn as a table only
	Result  report.Result
	Columns []option
	Chart   report.Chart
	CSV     string
	Problem string
}

func (wb *Pages) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderDashboard(w, r, http.StatusOK, kit.FormProblem{})
}

func (wb *Pages) renderDashboard(w http.ResponseWriter, r *http.Request, status int, pr kit.FormProblem) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := wb.Dashboards.Get(ctx, me(r), id)
	if err != nil {
		return err
	}
	teams, err := wb.teamNames(r)
	if err != nil {
		return err
	}
	zone := wb.Location(r)
	data := &dashboardData{Page: wb.BasePage(r, d.Name), Dashboard: d, Sharing: sharing(d, teams),
		CanEdit: dashboard.CanEdit(me(r), d), Zone: zone.String(), Weekdays: weekdayOptions, Hours: hourOptions(),
		FormProblem: pr}
	for i := range d.Widgets {
		v, err := wb.widget(r, d, i, zone)
		if err != nil {
			return err
		}
		data.Widgets = append(data.Widgets, v)
	}
	if data.Subscriptions, err = wb.subscriptions(r, []*dashboard.Dashboard{d}, &d.ID); err != nil {
		return err
	}
	wb.Render(w, r, status, "dashboard", data)
	return nil
}

func (wb *Pages) widget(r *http.Request, d *dashboard.Dashboard, i int, zone *time.Location) (widgetView, error) {
	wd := d.Widgets[i]
	v := widgetView{Index: i, Heading: wd.Heading(), Range: dashboard.RangeLabels[wd.Range], Size: wd.Size,
		Table: wd.Chart == "table", CSV: fmt.Sprintf("/dashboards/%d/widgets/%d/csv", d.ID, i)}
	if wd.GroupBy != "" {
		v.Heading += " by " + wd.GroupBy
	}
	res, err := wb.Dashboards.Run(r.Context(), wd, zone, wb.Dashboards.Now())
	if kit.IsInputError(err) {
		// A report taken out of the registry: the others still draw.
		v.Problem = kit.DescribeInputError(err)
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Result, v.Chart = res, res.Chart(drillPath)
	if wd.Chart == "line" || wd.Chart == "bar" {
		v.Chart.Kind = wd.Chart
	}
	if !me(r).IsLead() {
		// The tickets behind a figure are for leads and admins.
		for j := range v.Chart.Series {
			v.Chart.Series[j].Links = nil
		}
	}
	for _, c := range res.Columns {
		v.Columns = append(v.Columns, option{c, report.ColumnLabel(c)})
	}
	return v, nil
}

// widgetCSV is a widget's numbers as CSV: those its chart draws.
func (wb *Pages) widgetCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil {
		return apperr.NotFound("widget")
	}
	_, res, err := wb.Dashboards.WidgetResult(r.Context(), me(r), id, index, wb.Location(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Join([]string{res.Name, res.From, res.To}, "_")+`.csv"`)
	return res.WriteCSV(w)
}
