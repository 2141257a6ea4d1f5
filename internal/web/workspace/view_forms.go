package workspace

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// viewFormPage is the form that creates or edits a saved view.
type viewFormPage struct {
	Page
	ID         string // "" for a new view
	Form       view.NewView
	Error      string
	ErrorField string

	Assignee, Team, Requester, Days, Share string // the form's raw values
	Options                                options
	Agents                                 []*user.User
	Teams                                  []*team.Team // every team, to filter on
	MyTeams                                []*team.Team // those the agent may share with
}

func (wb *Pages) newViewForm(w http.ResponseWriter, r *http.Request) error {
	n := view.NewView{Filters: view.Filters{Statuses: []string{"new", "open", "pending", "on_hold"}}}
	return wb.renderViewForm(w, r, http.StatusOK, "", n, nil)
}

func (wb *Pages) editViewForm(w http.ResponseWriter, r *http.Request) error {
	v, err := wb.ownView(r)
	if err != nil {
		return err
	}
	n := view.NewView{Name: v.Name, TeamID: v.TeamID, Filters: v.Filters, Sort: v.Sort, Ascending: v.Ascending, Columns: v.Columns}
	return wb.renderViewForm(w, r, http.StatusOK, v.ID, n, nil)
}

// ownView loads the view in the path for its owner; to anyone else it is
// not found or forbidden, as the service says.
func (wb *Pages) ownView(r *http.Request) (*view.View, error) {
	u := user.FromContext(r.Context())
	v, err := wb.Views.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if v.BuiltIn || *v.OwnerID != u.ID {
		return nil, apperr.Forbidden("only the owner of a view may change it")
	}
	return v, nil
}

func (wb *Pages) renderViewForm(w http.ResponseWriter, r *http.Request, status int, id string, n view.NewView, problem error) error {
	ctx := r.Context()
	agents, err := wb.Users.List(ctx)
	if err != nil {
		return err
	}
	teams, err := wb.Teams.List(ctx)
	if err != nil {
		return err
	}
	me := user.FromContext(ctx).ID
	title := "New view"
	if id != "" {
		title = "Edit view"
	}
	p := &viewFormPage{
		Page: wb.BasePage(r, title), ID: id, Form: n,
		Agents: kit.ActiveAgents(agents), Teams: teams,
		MyTeams: slices.DeleteFunc(slices.Clone(teams), func(t *team.Team) bool { return !slices.Contains(t.MemberIDs, me) }),
		Options: options{
			Statuses:   choices(ticket.Statuses, n.Filters.Statuses),
			Priorities: choices(ticket.Priorities, n.Filters.Priorities),
			Channels:   choices(ticket.Channels, n.Filters.Channels),
			Sorts:      choices(ticket.Sorts, []string{n.Sort}),
			Columns:    columnChoices(n.Columns),
		},
		Assignee: n.Filters.Assignee,
	}
	if len(n.Columns) == 0 {
		p.Options.Columns = columnChoices(view.DefaultColumns)
	}
	if n.TeamID != nil {
		p.Share = strconv.FormatInt(*n.TeamID, 10)
	}
	if n.Filters.TeamID != nil {
		p.Team = strconv.FormatInt(*n.Filters.TeamID, 10)
	}
	if n.Filters.RequesterID != nil {
		p.Requester = strconv.FormatInt(*n.Filters.RequesterID, 10)
	}
	if n.Filters.UpdatedWithinDays > 0 {
		p.Days = strconv.Itoa(n.Filters.UpdatedWithinDays)
	}
	if problem != nil {
		var detail httpx.ErrorDetail
		status, detail = httpx.Describe(ctx, problem)
		if status >= 500 {
			return problem
		}
		p.Error, p.ErrorField = detail.Message, detail.Field
	}
	wb.Render(w, r, status, "view_form", p)
	return nil
}

// viewFromForm reads the view form. Malformed numbers become errors that
// name their field.
func viewFromForm(r *http.Request) (view.NewView, error) {
	if err := r.ParseForm(); err != nil {
		return view.NewView{}, apperr.Invalid("name", "cannot read the form")
	}
	f := r.PostForm
	n := view.NewView{
		Name:      f.Get("name"),
		Sort:      f.Get("sort"),
		Ascending: f.Get("order") == "asc",
		Columns:   f["columns"],
		Filters: view.Filters{
			Statuses: f["statuses"], Priorities: f["priorities"], Channels: f["channels"],
			Assignee: f.Get("assignee"), Tag: f.Get("tag"),
		},
	}
	var err error
	if n.TeamID, err = formOptionalID(f, "team_id"); err != nil {
		return n, err
	}
	if n.Filters.TeamID, err = formOptionalID(f, "filter_team"); err != nil {
		return n, err
	}
	if n.Filters.RequesterID, err = formOptionalID(f, "requester_id"); err != nil {
		return n, err
	}
	if d := strings.TrimSpace(f.Get("updated_within_days")); d != "" {
		if n.Filters.UpdatedWithinDays, err = strconv.Atoi(d); err != nil {
			return n, apperr.Invalid("filters.updated_within_days", "must be a whole number of days, not %q", d)
		}
	}
	return n, nil
}

func formOptionalID(f url.Values, name string) (*int64, error) {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.Invalid(name, "%q is not an id", v)
	}
	return &id, nil
}

func (wb *Pages) createView(w http.ResponseWriter, r *http.Request) error {
	n, err := viewFromForm(r)
	if err != nil {
		return wb.renderViewForm(w, r, 0, "", n, err)
	}
	v, err := wb.Views.Create(r.Context(), user.FromContext(r.Context()), n)
	if err != nil {
		return wb.renderViewForm(w, r, 0, "", n, err)
	}
	wb.Flash(r, "View “"+v.Name+"” saved.")
	http.Redirect(w, r, "/inbox?view="+url.QueryEscape(v.ID), http.StatusSeeOther)
	return nil
}

func (wb *Pages) updateView(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	n, err := viewFromForm(r)
	if err != nil {
		return wb.renderViewForm(w, r, 0, id, n, err)
	}
	p := view.Patch{Name: &n.Name, TeamID: ticket.SetID(n.TeamID), Filters: &n.Filters,
		Sort: &n.Sort, Ascending: &n.Ascending, Columns: &n.Columns}
	v, err := wb.Views.Update(r.Context(), user.FromContext(r.Context()), id, p)
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || apperr.Is(err, apperr.KindForbidden) {
			return err
		}
		return wb.renderViewForm(w, r, 0, id, n, err)
	}
	wb.Flash(r, "View “"+v.Name+"” saved.")
	http.Redirect(w, r, "/inbox?view="+url.QueryEscape(v.ID), http.StatusSeeOther)
	return nil
}

func (wb *Pages) deleteView(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	v, err := wb.Views.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := wb.Views.Delete(r.Context(), u, v.ID); err != nil {
		return err
	}
	wb.Flash(r, "View “"+v.Name+"” deleted.")
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	return nil
}
