package admin

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// ---- Teams

// memberChoice is an agent as a team form offers them.
type memberChoice struct {
	*user.User
	Checked bool
}

type teamsPage struct {
	Page
	kit.FormProblem
	Teams   []*team.Team
	Names   map[int64]string // agent names by id
	Team    *team.Team       // the team edited, or the new team's form
	Members []memberChoice
}

// MemberNames lists a team's members by name.
func (p *teamsPage) MemberNames(t *team.Team) string {
	names := make([]string, 0, len(t.MemberIDs))
	for _, id := range t.MemberIDs {
		names = append(names, p.Names[id])
	}
	return strings.Join(names, ", ")
}

func (wb *Pages) adminTeams(w http.ResponseWriter, r *http.Request) error {
	return wb.renderTeams(w, r, http.StatusOK, "admin_teams", &team.Team{}, nil)
}

func (wb *Pages) editTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := wb.Teams.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return wb.renderTeams(w, r, http.StatusOK, "admin_team", t, nil)
}

func (wb *Pages) renderTeams(w http.ResponseWriter, r *http.Request, status int, page string, t *team.Team, problem error) error {
	teams, err := wb.Teams.List(r.Context())
	if err != nil {
		return err
	}
	users, err := wb.Users.List(r.Context())
	if err != nil {
		return err
	}
	title := "Teams"
	if page == "admin_team" {
		title = "Team " + t.Name
	}
	p := &teamsPage{Page: wb.BasePage(r, title), Teams: teams, Team: t, Names: map[int64]string{}}
	for _, u := range users {
		p.Names[u.ID] = u.Name
		if u.Active() || slices.Contains(t.MemberIDs, u.ID) {
			p.Members = append(p.Members, memberChoice{User: u, Checked: slices.Contains(t.MemberIDs, u.ID)})
		}
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, page, p)
	return nil
}

// teamForm reads a team's name, description and members.
func teamForm(r *http.Request) (team.NewTeam, error) {
	if err := r.ParseForm(); err != nil {
		return team.NewTeam{}, apperr.Invalid("name", "cannot read the form")
	}
	n := team.NewTeam{Name: r.PostForm.Get("name"), Description: r.PostForm.Get("description"), MemberIDs: []int64{}}
	for _, v := range r.PostForm["member"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return n, apperr.Invalid("member_ids", "%q is not a user id", v)
		}
		n.MemberIDs = append(n.MemberIDs, id)
	}
	return n, nil
}

func (wb *Pages) createTeam(w http.ResponseWriter, r *http.Request) error {
	n, err := teamForm(r)
	form := &team.Team{Name: n.Name, Description: n.Description, MemberIDs: n.MemberIDs}
	if err != nil {
		return wb.renderTeams(w, r, 0, "admin_teams", form, err)
	}
	t, err := wb.Teams.Create(r.Context(), n)
	if err != nil {
		return wb.renderTeams(w, r, 0, "admin_teams", form, err)
	}
	wb.Flash(r, "Team "+t.Name+" created.")
	http.Redirect(w, r, "/admin/teams", http.StatusSeeOther)
	return nil
}

func (wb *Pages) updateTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := teamForm(r)
	form := &team.Team{ID: id, Name: n.Name, Description: n.Description, MemberIDs: n.MemberIDs}
	if err != nil {
		return wb.renderTeams(w, r, 0, "admin_team", form, err)
	}
	t, err := wb.Teams.Update(r.Context(), id, team.Patch{Name: &n.Name, Description: &n.Description, MemberIDs: &n.MemberIDs})
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return err
		}
		return wb.renderTeams(w, r, 0, "admin_team", form, err)
	}
	wb.Flash(r, "Team "+t.Name+" saved.")
	http.Redirect(w, r, "/admin/teams", http.StatusSeeOther)
	return nil
}

func (wb *Pages) deleteTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Teams.Delete(r.Context(), id); err != nil {
		if msg, ok := kit.UserProblem(r.Context(), err); ok && !apperr.Is(err, apperr.KindNotFound) {
			wb.Flash(r, "Not deleted: "+msg)
			http.Redirect(w, r, "/admin/teams/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
			return nil
		}
		return err
	}
	wb.Flash(r, "Team deleted.")
	http.Redirect(w, r, "/admin/teams", http.StatusSeeOther)
	return nil
}

// ---- Tags

type tagsPage struct {
	Page
	Tags   []ticket.TagCount
	Prefix string
}

// maxTagsListed is how many tags the page lists, most used first.
const maxTagsListed = 500

func (wb *Pages) adminTags(w http.ResponseWriter, r *http.Request) error {
	prefix := strings.TrimSpace(r.URL.Query().Get("prefix"))
	tags, err := wb.Tickets.Tags(r.Context(), prefix, maxTagsListed)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "admin_tags", &tagsPage{Page: wb.BasePage(r, "Tags"), Tags: tags, Prefix: prefix})
	return nil
}

func (wb *Pages) renameTag(w http.ResponseWriter, r *http.Request) error {
	from, to := r.PostFormValue("from"), r.PostFormValue("to")
	n, err := wb.Tickets.RenameTag(r.Context(), from, to)
	if err != nil {
		msg, ok := kit.UserProblem(r.Context(), err)
		if !ok {
			return err
		}
		wb.Flash(r, "Not renamed: "+msg)
	} else {
		wb.Flash(r, fmt.Sprintf("Renamed %q to %q on %d tickets.", from, to, n))
	}
	http.Redirect(w, r, "/admin/tags", http.StatusSeeOther)
	return nil
}

func (wb *Pages) deleteTag(w http.ResponseWriter, r *http.Request) error {
	tag := r.PostFormValue("tag")
	n, err := wb.Tickets.DeleteTag(r.Context(), tag)
	if err != nil {
		msg, ok := kit.UserProblem(r.Context(), err)
		if !ok {
			return err
		}
		wb.Flash(r, "Not deleted: "+msg)
	} else {
		wb.Flash(r, fmt.Sprintf("Removed %q from %d tickets.", tag, n))
	}
	http.Redirect(w, r, "/admin/tags", http.StatusSeeOther)
	return nil
}

// ---- Custom fields

type fieldsPage struct {
	Page
	kit.FormProblem
	Fields  []*field.Field
	Field   *field.Field // the field edited, or the new field's form
	Options string       // the dropdown's options, one per line
	Types   []string
}

func (wb *Pages) adminFields(w http.ResponseWriter, r *http.Request) error {
	return wb.renderFields(w, r, http.StatusOK, "admin_fields", &field.Field{Type: field.TypeText}, nil)
}

func (wb *Pages) editField(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := wb.Fields.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return wb.renderFields(w, r, http.StatusOK, "admin_field", f, nil)
}

func (wb *Pages) renderFields(w http.ResponseWriter, r *http.Request, status int, page string, f *field.Field, problem error) error {
	fields, err := wb.Fields.List(r.Context(), nil)
	if err != nil {
		return err
	}
	title := "Custom fields"
	if page == "admin_field" {
		title = "Field " + f.Label
	}
	p := &fieldsPage{Page: wb.BasePage(r, title), Fields: fields, Field: f,
		Options: strings.Join(f.Options, "\n"), Types: field.Types}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, page, p)
	return nil
}

// optionLines splits a textarea into one option per non-blank line.
func optionLines(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func (wb *Pages) createField(w http.ResponseWriter, r *http.Request) error {
	n := field.NewField{
		Key: strings.TrimSpace(r.PostFormValue("key")), Label: r.PostFormValue("label"),
		Type: r.PostFormValue("type"), Options: optionLines(r.PostFormValue("options")),
		RequiredOnSolve: r.PostFormValue("required_on_solve") == "on",
	}
	f, err := wb.Fields.Create(r.Context(), n)
	if err != nil {
		form := &field.Field{Key: n.Key, Label: n.Label, Type: n.Type, Options: n.Options, RequiredOnSolve: n.RequiredOnSolve}
		return wb.renderFields(w, r, 0, "admin_fields", form, err)
	}
	wb.Flash(r, "Field "+f.Label+" added.")
	http.Redirect(w, r, "/admin/fields", http.StatusSeeOther)
	return nil
}

func (wb *Pages) updateField(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	current, err := wb.Fields.Get(r.Context(), id)
	if err != nil {
		return err
	}
	label := r.PostFormValue("label")
	required := r.PostFormValue("required_on_solve") == "on"
	archived := r.PostFormValue("archived") == "on"
	p := field.Patch{Label: &label, RequiredOnSolve: &required, Archived: &archived}
	if current.Type == field.TypeDropdown {
		opts := optionLines(r.PostFormValue("options"))
		p.Options = &opts
	}
	f, err := wb.Fields.Update(r.Context(), id, p)
	if err != nil {
		form := *current
		form.Label, form.RequiredOnSolve, form.Archived = label, required, archived
		if p.Options != nil {
			form.Options = *p.Options
		}
		return wb.renderFields(w, r, 0, "admin_field", &form, err)
	}
	wb.Flash(r, "Field "+f.Label+" saved.")
	http.Redirect(w, r, "/admin/fields", http.StatusSeeOther)
	return nil
}
