// Package dashboards serves the dashboards surface: the list of the
// dashboards a person may open, each dashboard's widgets drawn with
// ECharts from the same numbers the API answers (with a CSV per widget),
// the form that composes one (it works without JavaScript), and the form
// that has a dashboard emailed on a schedule.
package dashboards

import (
	"embed"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Dashboards *dashboard.Service
	Teams      *team.Service
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
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "dashboards", Routes: []kit.Route{
		{Pattern: "GET /dashboards", Level: kit.Agent, Handler: wb.listPage},
		{Pattern: "GET /dashboards/new", Level: kit.Lead, Handler: wb.newPage},
		{Pattern: "POST /dashboards", Level: kit.Lead, Handler: wb.create},
		{Pattern: "GET /dashboards/{id}", Level: kit.Agent, Handler: wb.dashboardPage},
		{Pattern: "GET /dashboards/{id}/edit", Level: kit.Lead, Handler: wb.editPage},
		{Pattern: "POST /dashboards/{id}/edit", Level: kit.Lead, Handler: wb.save},
		{Pattern: "POST /dashboards/{id}/delete", Level: kit.Lead, Handler: wb.delete},
		{Pattern: "GET /dashboards/{id}/widgets/{index}/csv", Level: kit.Agent, Handler: wb.widgetCSV},
		{Pattern: "POST /dashboards/{id}/subscriptions", Level: kit.Agent, Handler: wb.subscribe},
		{Pattern: "POST /dashboards/subscriptions", Level: kit.Lead, Handler: wb.subscribeReport},
		{Pattern: "POST /dashboards/subscriptions/{id}/delete", Level: kit.Agent, Handler: wb.unsubscribe},
	}}, nil
}

func me(r *http.Request) *user.User { return user.FromContext(r.Context()) }

func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("form", "cannot read the form")
	}
	return nil
}

// option is one choice of a select.
type option struct{ Value, Label string }

var groupOptions = []option{{"", "Whole desk"}, {"team", "Team"}, {"agent", "Agent"}, {"channel", "Channel"}, {"tag", "Tag"}}

var chartOptions = []option{{"auto", "Automatic"}, {"line", "Line"}, {"bar", "Bars"}, {"table", "Table only"}}

var sizeOptions = []option{{"half", "Half width"}, {"full", "Full width"}}

var weekdayOptions = []option{{"mon", "Monday"}, {"tue", "Tuesday"}, {"wed", "Wednesday"}, {"thu", "Thursday"},
	{"fri", "Friday"}, {"sat", "Saturday"}, {"sun", "Sunday"}}

// reportOptions are the registered reports, whatever they are.
func reportOptions() []option {
	var out []option
	for _, n := range reportNames() {
		out = append(out, option{n, dashboard.ReportLabel(n)})
	}
	return out
}

func rangeOptions() []option {
	var out []option
	for _, r := range dashboard.Ranges {
		out = append(out, option{r, dashboard.RangeLabels[r]})
	}
	return out
}

func hourOptions() []option {
	out := make([]option, 24)
	for h := range out {
		out[h] = option{itoa(h), twoDigits(h) + ":00"}
	}
	return out
}
