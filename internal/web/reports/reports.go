// Package reports serves the reports page for leads and admins: each
// report drawn with ECharts from the same result the API answers, its
// numbers in a table beneath, a CSV of them, and the tickets behind any
// point.
package reports

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Reports *report.Service
	Now     func() time.Time // the clock; time.Now when nil
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "reports", Routes: []kit.Route{
		{Pattern: "GET /reports", Level: kit.Lead, Handler: wb.reportPage},
		{Pattern: "GET /reports/export", Level: kit.Lead, Handler: wb.exportCSV},
		{Pattern: "GET /reports/tickets", Level: kit.Lead, Handler: wb.ticketsPage},
	}}, nil
}

// drillPath is the page a chart's point opens.
const drillPath = "/reports/tickets"

// option is one choice of a select.
type option struct{ Value, Label string }

var reportOptions = []option{
	{report.Volume, "Tickets in and solved"},
	{report.FirstReplyTime, "First reply time"},
	{report.ResolutionTime, "Resolution time"},
	{report.ServiceLevel, "Service level against goal"},
	{report.CSAT, "Customer satisfaction (CSAT)"},
	{report.CES, "Customer effort (CES)"},
	{report.BacklogAge, "Backlog by age"},
}

var groupOptions = []option{{"", "Whole desk"}, {"team", "Team"}, {"agent", "Agent"}, {"channel", "Channel"}, {"tag", "Tag"}}

var intervalOptions = []option{{report.Day, "Day"}, {report.Week, "Week"}}

var hoursOptions = []option{{report.CalendarHours, "Calendar hours"}, {report.BusinessHours, "Business hours"}}

var metricOptions = []option{{sla.FirstReply, "First reply"}, {sla.NextReply, "Next reply"},
	{sla.PeriodicUpdate, "Periodic update"}, {sla.Resolution, "Resolution"}}

type reportPage struct {
	kit.Page
	Reports, Groups []option
	Intervals       []option
	HoursChoices    []option // shown for reply and resolution times
	Metrics         []option // shown for service level
	Name, GroupBy   string
	Interval        string
	Hours, Metric   string
	From, To        string
	Zone            string
	Heading         string
	Result          report.Result
	Columns         []option // the result's columns, named for people
	Chart           report.Chart
	Export          string // the CSV's URL
	Problem         string
}

func (wb *Pages) reportPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	name := q.Get("name")
	if name == "" {
		name = report.Volume
	}
	zone := wb.Location(r)
	pg := &reportPage{Page: wb.BasePage(r, "Reports"), Reports: reportOptions, Groups: groupOptions,
		Name: name, GroupBy: q.Get("group_by"), From: q.Get("from"), To: q.Get("to"), Zone: zone.String(),
		Interval: q.Get("interval"), Hours: q.Get("hours"), Metric: q.Get("metric")}
	pg.choices()
	p, err := report.ParseParams(name, q, zone, wb.Now())
	if err != nil {
		if !kit.IsInputError(err) {
			return err
		}
		pg.Problem = kit.DescribeInputError(err)
		wb.Render(w, r, http.StatusBadRequest, "reports", pg)
		return nil
	}
	res, err := wb.Reports.Run(r.Context(), p)
	if err != nil {
		return err
	}
	pg.Result, pg.Chart = res, res.Chart(drillPath)
	for _, c := range res.Columns {
		pg.Columns = append(pg.Columns, option{c, report.ColumnLabel(c)})
	}
	pg.From, pg.To, pg.Heading = res.From, res.To, labelOf(reportOptions, name)
	pg.Interval, pg.Hours, pg.Metric = p.Interval, p.Hours, p.Metric
	if p.Name == report.ServiceLevel {
		pg.Heading += ": " + strings.ToLower(labelOf(metricOptions, p.Metric))
	}
	pg.Export = "/reports/export?" + exportQuery(name, p).Encode()
	wb.Render(w, r, http.StatusOK, "reports", pg)
	return nil
}

// tableCell is one figure of the table, written as the CSV writes it.
type tableCell struct{ Label, Text string }

// Cells are a row's figures in the order of the columns; a figure the row
// lacks (a service level with nothing decided) is a dash.
func (pg *reportPage) Cells(r report.Row) []tableCell {
	out := make([]tableCell, len(pg.Columns))
	for i, c := range pg.Columns {
		out[i] = tableCell{Label: c.Label, Text: "—"}
		if v, ok := r.Values[c.Value]; ok {
			out[i].Text = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return out
}

// choices offers the controls the chosen report has.
func (pg *reportPage) choices() {
	if pg.Name != report.BacklogAge {
		pg.Intervals = intervalOptions
	}
	switch pg.Name {
	case report.FirstReplyTime, report.ResolutionTime:
		pg.HoursChoices = hoursOptions
		if pg.Hours == "" {
			pg.Hours = report.CalendarHours
		}
	case report.ServiceLevel:
		pg.Metrics = metricOptions
	}
}

func exportQuery(name string, p report.Params) url.Values {
	v := p.Query()
	v.Set("name", name)
	return v
}

func labelOf(opts []option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// exportCSV is the report as CSV in the viewer's days: the numbers the
// chart and the table show.
func (wb *Pages) exportCSV(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := report.ParseParams(q.Get("name"), q, wb.Location(r), wb.Now())
	if err != nil {
		return err
	}
	res, err := wb.Reports.Run(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Join([]string{res.Name, res.From, res.To}, "_")+`.csv"`)
	return res.WriteCSV(w)
}

type ticketsPage struct {
	kit.Page
	Heading string
	Back    string
	Tickets []report.TicketRef
	Limit   int
}

// ticketsPage lists the tickets behind one point of a chart.
func (wb *Pages) ticketsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := report.ParseDrill(r.URL.Query(), wb.Location(r), wb.Now())
	if err != nil {
		return err
	}
	tickets, err := wb.Reports.Tickets(r.Context(), d)
	if err != nil {
		return err
	}
	heading := labelOf(reportOptions, d.Report) + ": " + strings.ReplaceAll(d.Column, "_", " ") + ", " + d.Period
	if d.GroupBy != "" {
		key := d.Key
		if key == "" {
			key = "none"
		}
		heading += ", " + d.GroupBy + " " + key
	}
	back := url.Values{"name": {d.Report}}
	if d.GroupBy != "" {
		back.Set("group_by", d.GroupBy)
	}
	if d.Metric != "" {
		back.Set("metric", d.Metric)
	}
	if d.Interval == report.Week {
		back.Set("interval", report.Week)
	}
	wb.Render(w, r, http.StatusOK, "report_tickets", &ticketsPage{Page: wb.BasePage(r, "Tickets behind a figure"),
		Heading: heading, Back: "/reports?" + back.Encode(), Tickets: tickets, Limit: report.DrillLimit})
	return nil
}
