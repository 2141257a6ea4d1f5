package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
)

// The properties panel: status (custom statuses too), priority, assignee,
// team, tags and custom fields in one form. With htmx it posts in place and
// the panel is swapped; without, it posts and redirects back. Changes go
// through ticket.Service.Update, which appends one event per changed field.

type propsView struct {
	TicketID   int64
	Closed     bool
	Statuses   []selectChoice
	Priorities []selectChoice
	Assignees  []selectChoice
	Teams      []selectChoice
	Tags       string
	Fields     []fieldInput
	// Errors holds a problem per form field name ("" for the form).
	Errors map[string]string
	Saved  bool
	// Version and SeenEvent are what the panel was rendered at, sent back
	// so a stale save is caught (ticket_conflict.go).
	Version   int64
	SeenEvent int64
	Conflict  *conflictView
}

type selectChoice struct {
	Value, Label string
	Selected     bool
}

type fieldInput struct {
	Name, Label, Type, Value string
	Checked                  bool
	Options                  []selectChoice
}

// propsFor builds the panel showing t as it is.
func (wb *Pages) propsFor(ctx context.Context, t *ticket.Ticket, ppl *conversation.People) (*propsView, error) {
	v := &propsView{TicketID: t.ID, Closed: t.Status == "closed", Tags: strings.Join(t.Tags, ", "), Version: t.Version}
	var err error
	if v.SeenEvent, err = wb.lastEventID(ctx, t.ID); err != nil {
		return nil, err
	}
	current := t.Status
	if t.CustomStatus != nil {
		current = t.CustomStatus.Key
	}
	for _, s := range ticket.Statuses {
		v.Statuses = append(v.Statuses, selectChoice{s, strings.ReplaceAll(s, "_", " "), s == current})
	}
	custom, err := wb.Tickets.Statuses(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range custom {
		if c.Archived && c.Key != current {
			continue
		}
		v.Statuses = append(v.Statuses, selectChoice{c.Key, c.Label + " (" + strings.ReplaceAll(c.Category, "_", " ") + ")", c.Key == current})
	}
	for _, p := range ticket.Priorities {
		v.Priorities = append(v.Priorities, selectChoice{p, p, p == t.Priority})
	}
	v.Assignees = []selectChoice{{"", "Nobody", t.AssigneeID == nil}}
	for _, u := range ppl.List {
		if u.Active() || (t.AssigneeID != nil && *t.AssigneeID == u.ID) {
			v.Assignees = append(v.Assignees, selectChoice{idText(u.ID), u.Name, t.AssigneeID != nil && *t.AssigneeID == u.ID})
		}
	}
	v.Teams = []selectChoice{{"", "No team", t.TeamID == nil}}
	for _, tm := range ppl.Teams {
		v.Teams = append(v.Teams, selectChoice{idText(tm.ID), tm.Name, t.TeamID != nil && *t.TeamID == tm.ID})
	}
	fields, err := wb.Fields.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		val, has := t.CustomFields[f.Key]
		if f.Archived && !has {
			continue
		}
		v.Fields = append(v.Fields, fieldInputFor(f, val))
	}
	return v, nil
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// fieldInputFor is the form control of a custom field holding val.
func fieldInputFor(f *field.Field, val any) fieldInput {
	in := fieldInput{Name: "cf." + f.Key, Label: f.Label, Type: f.Type}
	switch x := val.(type) {
	case nil:
	case bool:
		in.Checked = x
	case float64:
		in.Value = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		in.Value = fmt.Sprint(x)
	}
	if f.Type == field.TypeDropdown {
		in.Options = []selectChoice{{"", "—", in.Value == ""}}
		for _, o := range f.Options {
			in.Options = append(in.Options, selectChoice{o, o, o == in.Value})
		}
	}
	return in
}

// saveProperties answers POST /tickets/{id}/properties.
func (wb *Pages) saveProperties(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := wb.ticketByPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form cannot be read: %v", err)
	}
	version, seenEvent, err := formVersion(r)
	if err != nil {
		return wb.propertiesProblem(w, r, t, err)
	}
	p, err := wb.patchFromForm(ctx, r)
	if err == nil {
		saveCtx := ctx
		if version > 0 {
			saveCtx = ticket.IfVersion(ctx, t.ID, version)
		}
		var saved *ticket.Ticket
		if saved, err = wb.Tickets.Update(saveCtx, t.ID, p); err == nil {
			t = saved
		}
	}
	if _, stale := ticket.AsStale(err); stale {
		return wb.propertiesConflict(w, r, t.ID, seenEvent)
	}
	if err != nil {
		return wb.propertiesProblem(w, r, t, err)
	}
	if !hxRequest(r) {
		wb.Flash(r, "Ticket updated.")
		http.Redirect(w, r, ticketURL(t.ID), http.StatusSeeOther)
		return nil
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	props, err := wb.propsFor(ctx, t, ppl)
	if err != nil {
		return err
	}
	props.Saved = true
	wb.Fragment(w, r, http.StatusOK, "ticket", "ticket-properties", props)
	return nil
}

// propertiesProblem shows the panel again with the submitted values and
// the problem next to its field: the panel alone for htmx (with status
// 200, so htmx swaps it in), the whole page otherwise.
func (wb *Pages) propertiesProblem(w http.ResponseWriter, r *http.Request, t *ticket.Ticket, problem error) error {
	ctx := r.Context()
	status, detail := httpx.Describe(ctx, problem)
	if status >= 500 || status == http.StatusNotFound {
		return problem
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	props, err := wb.propsFor(ctx, t, ppl)
	if err != nil {
		return err
	}
	keepSubmitted(props, r)
	props.Errors = map[string]string{formFieldOf(detail.Field): detail.Message}
	if hxRequest(r) {
		wb.Fragment(w, r, http.StatusOK, "ticket", "ticket-properties", props)
		return nil
	}
	p, err := wb.ticketPageFor(r, t, props, nil)
	if err != nil {
		return err
	}
	wb.Render(w, r, status, "ticket", p)
	return nil
}

// formFieldOf maps the field a service names to the form's control.
func formFieldOf(f string) string {
	if key, ok := strings.CutPrefix(f, "custom_fields."); ok {
		return "cf." + key
	}
	return f
}

// keepSubmitted shows what the agent sent rather than what is stored, so a
// correction does not lose their other changes.
func keepSubmitted(v *propsView, r *http.Request) {
	pick := func(opts []selectChoice, val string) {
		for i := range opts {
			opts[i].Selected = opts[i].Value == val
		}
	}
	pick(v.Statuses, r.PostFormValue("status"))
	pick(v.Priorities, r.PostFormValue("priority"))
	pick(v.Assignees, r.PostFormValue("assignee_id"))
	pick(v.Teams, r.PostFormValue("team_id"))
	v.Tags = r.PostFormValue("tags")
	for i := range v.Fields {
		f := &v.Fields[i]
		f.Value, f.Checked = r.PostFormValue(f.Name), r.PostFormValue(f.Name) == "on"
		pick(f.Options, f.Value)
	}
}

// patchFromForm reads the properties form into a ticket patch. Fields the
// form does not carry stay as they are.
func (wb *Pages) patchFromForm(ctx context.Context, r *http.Request) (ticket.Patch, error) {
	var p ticket.Patch
	if r.PostForm.Has("status") {
		s := r.PostFormValue("status")
		p.Status = &s
	}
	if r.PostForm.Has("priority") {
		s := r.PostFormValue("priority")
		p.Priority = &s
	}
	for name, dst := range map[string]*ticket.OptionalID{"assignee_id": &p.AssigneeID, "team_id": &p.TeamID} {
		if !r.PostForm.Has(name) {
			continue
		}
		id, err := selectedID(name, r.PostFormValue(name))
		if err != nil {
			return p, err
		}
		*dst = ticket.SetID(id)
	}
	if r.PostForm.Has("tags") {
		tags := tagsFromText(r.PostFormValue("tags"))
		p.Tags = &tags
	}
	fields, err := wb.Fields.List(ctx, nil)
	if err != nil {
		return p, err
	}
	p.CustomFields = map[string]any{}
	for _, f := range fields {
		name := "cf." + f.Key
		if !r.PostForm.Has(name) && !(f.Type == field.TypeCheckbox && r.PostForm.Has(name+".present")) {
			continue
		}
		p.CustomFields[f.Key] = formFieldValue(f, r.PostFormValue(name))
	}
	return p, nil
}

// formFieldValue turns a form's text into what field.Parse takes; empty
// clears the field.
func formFieldValue(f *field.Field, raw string) any {
	raw = strings.TrimSpace(raw)
	switch f.Type {
	case field.TypeCheckbox:
		return raw == "on"
	case field.TypeNumber:
		if raw == "" {
			return nil
		}
		return json.Number(raw)
	}
	if raw == "" {
		return nil
	}
	return raw
}

// selectedID reads an optional id from a select; "" is none.
func selectedID(name, v string) (*int64, error) {
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.Invalid(name, "%q is not an id", v)
	}
	return &id, nil
}

// tagsFromText reads tags separated by commas or spaces.
func tagsFromText(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' })
}

func hxRequest(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

func ticketURL(id int64) string { return "/tickets/" + strconv.FormatInt(id, 10) }
