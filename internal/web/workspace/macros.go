package workspace

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The macros page (/admin/macros): admins manage the shared macros, and
// every agent manages their personal ones there too. The rules (who may
// change what) are the macro service's.

type macrosPage struct {
	Page
	Macros       []*macro.Macro
	Form         macroForm
	Editing      int64 // the macro the form edits; 0 for a new one
	Statuses     []selectChoice
	Priorities   []selectChoice
	Assignees    []selectChoice
	Placeholders []string
	Error        string
	ErrorField   string
}

// macroPages are the macros page's handlers: they need the macro service
// and the page kit, not the ticket workspace, so they live on a type of
// their own and leave the workspace's method set small enough to read.
type macroPages struct{ *Pages }

// macroForm is the form's fields as text.
type macroForm struct {
	Name, Body, Status, Priority, Tags, Assignee string
	Shared                                       bool
}

func formOf(m *macro.Macro) macroForm {
	f := macroForm{Name: m.Name, Body: m.Body, Shared: m.Shared, Status: m.Actions.Status,
		Priority: m.Actions.Priority, Tags: strings.Join(m.Actions.AddTags, ", ")}
	switch {
	case m.Actions.AssignToMe:
		f.Assignee = "me"
	case m.Actions.AssigneeID != nil:
		f.Assignee = idText(*m.Actions.AssigneeID)
	}
	return f
}

func (wb macroPages) macrosPageFor(r *http.Request, form macroForm, editing int64) (*macrosPage, error) {
	ctx := r.Context()
	ms, err := wb.Macros.List(ctx, macro.ViewerOf(user.FromContext(ctx)))
	if err != nil {
		return nil, err
	}
	p := &macrosPage{Page: wb.BasePage(r, "Macros"), Macros: ms, Form: form, Editing: editing,
		Placeholders: macro.Placeholders}
	p.Statuses = []selectChoice{{"", "Leave as it is", form.Status == ""}}
	for _, s := range ticket.Statuses {
		p.Statuses = append(p.Statuses, selectChoice{s, strings.ReplaceAll(s, "_", " "), s == form.Status})
	}
	custom, err := wb.Tickets.Statuses(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range custom {
		if !c.Archived {
			p.Statuses = append(p.Statuses, selectChoice{c.Key, c.Label, c.Key == form.Status})
		}
	}
	p.Priorities = []selectChoice{{"", "Leave as it is", form.Priority == ""}}
	for _, pr := range ticket.Priorities {
		p.Priorities = append(p.Priorities, selectChoice{pr, pr, pr == form.Priority})
	}
	users, err := wb.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	p.Assignees = []selectChoice{{"", "Leave as it is", form.Assignee == ""}, {"me", "Whoever sends the reply", form.Assignee == "me"}}
	for _, u := range users {
		if u.Active() {
			p.Assignees = append(p.Assignees, selectChoice{idText(u.ID), u.Name, idText(u.ID) == form.Assignee})
		}
	}
	return p, nil
}

func (wb macroPages) macrosList(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.macrosPageFor(r, macroForm{}, 0)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "admin_macros", p)
	return nil
}

func (wb macroPages) macroEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := wb.Macros.Get(r.Context(), macro.ViewerOf(user.FromContext(r.Context())), id)
	if err != nil {
		return err
	}
	p, err := wb.macrosPageFor(r, formOf(m), m.ID)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "admin_macros", p)
	return nil
}

// readMacroForm reads the posted form.
func readMacroForm(r *http.Request) macroForm {
	return macroForm{Name: r.PostFormValue("name"), Body: r.PostFormValue("body"),
		Shared: r.PostFormValue("shared") == "on", Status: r.PostFormValue("status"),
		Priority: r.PostFormValue("priority"), Tags: r.PostFormValue("tags"), Assignee: r.PostFormValue("assignee")}
}

// actionsOf turns the form's action fields into macro actions.
func (f macroForm) actions() (macro.Actions, error) {
	a := macro.Actions{Status: f.Status, Priority: f.Priority, AddTags: tagsFromText(f.Tags)}
	switch f.Assignee {
	case "":
	case "me":
		a.AssignToMe = true
	default:
		id, err := strconv.ParseInt(f.Assignee, 10, 64)
		if err != nil || id <= 0 {
			return a, apperr.Invalid("actions.assignee_id", "%q is not a user id", f.Assignee)
		}
		a.AssigneeID = &id
	}
	return a, nil
}

func (wb macroPages) macroCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := readMacroForm(r)
	a, err := f.actions()
	if err == nil {
		_, err = wb.Macros.Create(ctx, macro.ViewerOf(user.FromContext(ctx)),
			macro.NewMacro{Name: f.Name, Body: f.Body, Shared: f.Shared, Actions: a})
	}
	if err != nil {
		return wb.macroProblem(w, r, f, 0, err)
	}
	wb.Flash(r, "Macro “"+strings.TrimSpace(f.Name)+"” created.")
	http.Redirect(w, r, "/admin/macros", http.StatusSeeOther)
	return nil
}

func (wb macroPages) macroUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := readMacroForm(r)
	a, err := f.actions()
	if err == nil {
		_, err = wb.Macros.Update(ctx, macro.ViewerOf(user.FromContext(ctx)), id,
			macro.Patch{Name: &f.Name, Body: &f.Body, Shared: &f.Shared, Actions: &a})
	}
	if err != nil {
		return wb.macroProblem(w, r, f, id, err)
	}
	wb.Flash(r, "Macro saved.")
	http.Redirect(w, r, "/admin/macros", http.StatusSeeOther)
	return nil
}

func (wb macroPages) macroDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Macros.Delete(ctx, macro.ViewerOf(user.FromContext(ctx)), id); err != nil {
		return err
	}
	wb.Flash(r, "Macro deleted.")
	http.Redirect(w, r, "/admin/macros", http.StatusSeeOther)
	return nil
}

// macroProblem shows the page again with the form as sent and the problem.
func (wb macroPages) macroProblem(w http.ResponseWriter, r *http.Request, f macroForm, editing int64, problem error) error {
	status, detail := httpx.Describe(r.Context(), problem)
	if status >= 500 || status == http.StatusNotFound {
		return problem
	}
	p, err := wb.macrosPageFor(r, f, editing)
	if err != nil {
		return err
	}
	p.Error, p.ErrorField = detail.Message, detail.Field
	wb.Render(w, r, status, "admin_macros", p)
	return nil
}
