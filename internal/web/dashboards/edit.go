package dashboards

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// editData is the form that composes a dashboard: its name and sharing,
// a row per widget with buttons to move it or take it out, and a row that
// adds one. Each button posts the whole form, so it works without
// JavaScript and nothing typed is lost.
type editData struct {
	kit.Page
	ID     int64 // 0 for a new dashboard
	Action string
	Form   dashboard.NewDashboard
	TeamID int64 // the team chosen, 0 for none
	Teams  []*team.Team
	Rows   []widgetRow
	NewRow widgetRow
	kit.FormProblem
}

// widgetRow is one widget's fields in the form; S ends each field's name.
type widgetRow struct {
	Index       int
	S           string
	W           dashboard.Widget
	New         bool
	First, Last bool
	O           *formOptions
}

// formOptions are the choices of a widget's selects.
type formOptions struct {
	Reports, Groups, Ranges, Charts, Sizes []option
}

func (wb *Pages) renderEdit(w http.ResponseWriter, r *http.Request, status int, d *editData) error {
	teams, err := wb.Teams.List(r.Context())
	if err != nil {
		return err
	}
	title := "New dashboard"
	d.Action = "/dashboards"
	if d.ID != 0 {
		title, d.Action = "Edit "+d.Form.Name, fmt.Sprintf("/dashboards/%d/edit", d.ID)
	}
	d.Page, d.Teams = wb.BasePage(r, title), teams
	if d.Form.TeamID != nil {
		d.TeamID = *d.Form.TeamID
	}
	o := &formOptions{Reports: reportOptions(), Groups: groupOptions, Ranges: rangeOptions(), Charts: chartOptions,
		Sizes: sizeOptions}
	for i, wd := range d.Form.Widgets {
		d.Rows = append(d.Rows, widgetRow{Index: i, S: "_" + strconv.Itoa(i), W: wd, First: i == 0,
			Last: i == len(d.Form.Widgets)-1, O: o})
	}
	d.NewRow = widgetRow{S: "_new", New: true, O: o, W: dashboard.Widget{Range: "last_30_days"}}
	wb.Render(w, r, status, "dashboard_edit", d)
	return nil
}

func (wb *Pages) newPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderEdit(w, r, http.StatusOK, &editData{Form: dashboard.NewDashboard{SharedWith: dashboard.ShareNobody}})
}

func (wb *Pages) editPage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := wb.Dashboards.Get(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	if !dashboard.CanEdit(me(r), d) {
		return apperr.Forbidden("only the dashboard's owner or an admin may change it")
	}
	return wb.renderEdit(w, r, http.StatusOK, &editData{ID: id,
		Form: dashboard.NewDashboard{Name: d.Name, SharedWith: d.SharedWith, TeamID: d.TeamID, Widgets: d.Widgets}})
}

// formDashboard reads the form: the fields, the widget rows in order, the
// new row when it names a report, then the button's move or removal.
// It reports whether the button was Save (else the form is shown again).
func formDashboard(r *http.Request) (dashboard.NewDashboard, bool, error) {
	f := r.PostForm
	n := dashboard.NewDashboard{Name: f.Get("name"), SharedWith: f.Get("shared_with"), Widgets: []dashboard.Widget{}}
	if v := f.Get("team_id"); v != "" && n.SharedWith == dashboard.ShareTeam {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return n, false, apperr.Invalid("team_id", "choose a team")
		}
		n.TeamID = &id
	}
	count, _ := strconv.Atoi(f.Get("count"))
	for i := range min(count, dashboard.MaxWidgets+1) {
		n.Widgets = append(n.Widgets, formWidget(f.Get, "_"+strconv.Itoa(i)))
	}
	if nw := formWidget(f.Get, "_new"); nw.Report != "" {
		n.Widgets = append(n.Widgets, nw)
	}
	verb, arg, _ := strings.Cut(f.Get("do"), ":")
	i, err := strconv.Atoi(arg)
	ok := err == nil && i >= 0 && i < len(n.Widgets)
	switch {
	case verb == "remove" && ok:
		n.Widgets = slices.Delete(n.Widgets, i, i+1)
	case verb == "up" && ok && i > 0:
		n.Widgets[i-1], n.Widgets[i] = n.Widgets[i], n.Widgets[i-1]
	case verb == "down" && ok && i < len(n.Widgets)-1:
		n.Widgets[i+1], n.Widgets[i] = n.Widgets[i], n.Widgets[i+1]
	}
	return n, verb == "save", nil
}

func formWidget(get func(string) string, suffix string) dashboard.Widget {
	return dashboard.Widget{Report: get("report" + suffix), GroupBy: get("group_by" + suffix),
		Range: get("range" + suffix), Chart: get("chart" + suffix), Size: get("size" + suffix),
		Title: get("title" + suffix)}
}

func (wb *Pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	n, save, err := formDashboard(r)
	if err == nil && !save {
		return wb.renderEdit(w, r, http.StatusOK, &editData{Form: n})
	}
	var d *dashboard.Dashboard
	if err == nil {
		d, err = wb.Dashboards.Create(r.Context(), me(r), n)
	}
	if err != nil {
		return wb.refuse(w, r, err, &editData{Form: n})
	}
	wb.Flash(r, d.Name+" is saved.")
	http.Redirect(w, r, fmt.Sprintf("/dashboards/%d", d.ID), http.StatusSeeOther)
	return nil
}

func (wb *Pages) save(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	// Every button saves the whole form: Save goes back to the dashboard,
	// a move, a removal or an added widget shows the form again.
	n, save, err := formDashboard(r)
	if err == nil {
		_, err = wb.Dashboards.Update(r.Context(), me(r), id,
			dashboard.Patch{Name: &n.Name, SharedWith: &n.SharedWith, TeamID: n.TeamID, Widgets: &n.Widgets})
	}
	if err != nil {
		return wb.refuse(w, r, err, &editData{ID: id, Form: n})
	}
	if !save {
		http.Redirect(w, r, fmt.Sprintf("/dashboards/%d/edit#widgets", id), http.StatusSeeOther)
		return nil
	}
	wb.Flash(r, n.Name+" is saved.")
	http.Redirect(w, r, fmt.Sprintf("/dashboards/%d", id), http.StatusSeeOther)
	return nil
}

func (wb *Pages) refuse(w http.ResponseWriter, r *http.Request, err error, d *editData) error {
	status, pr, ferr := kit.ProblemOf(r, err)
	if ferr != nil {
		return ferr
	}
	if status == http.StatusNotFound || status == http.StatusForbidden {
		return err
	}
	d.FormProblem = pr
	return wb.renderEdit(w, r, status, d)
}

func (wb *Pages) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Dashboards.Delete(r.Context(), me(r), id); err != nil {
		return err
	}
	wb.Flash(r, "The dashboard is deleted.")
	http.Redirect(w, r, "/dashboards", http.StatusSeeOther)
	return nil
}
