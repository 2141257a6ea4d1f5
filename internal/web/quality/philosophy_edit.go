package quality

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// philosophyEditorPage is GET /philosophy/edit: the vision form, the
// values with links to edit each, and a form to add one.
type philosophyEditorPage struct {
	Page
	Vision    string
	Values    []valueView
	Warning   string // set by the domain when there are more values than suggested
	Suggested int
	// Crowded is true when the next value would go past the suggested
	// number, so the add form says why fewer are better before a lead adds
	// one (past it, the domain's Warning says so).
	Crowded bool
	New     valueForm
	// Error and ErrorField say what was wrong with the form just sent;
	// ErrorIn names that form ("vision" or "value").
	Error, ErrorField, ErrorIn string
}

// valueEditorPage is GET /philosophy/values/{id}.
type valueEditorPage struct {
	Page
	Form              valueForm
	Error, ErrorField string
}

// valueForm is a value as its form shows it. Place is 1-based, as people
// count; empty keeps a value's place (or puts a new one last).
type valueForm struct {
	ID                                     int64
	Name, Code, Colour, Description, Place string
	Meaning, InAction, Misread, JudgedBy   string
	Relationships                          string
	ErrorField                             string // for marking the wrong field
}

func valueFormOf(v quality.Value) valueForm {
	return valueForm{ID: v.ID, Name: v.Name, Code: v.Code, Colour: v.Colour, Description: v.Description,
		Place: strconv.Itoa(v.Position + 1), Meaning: v.Meaning, InAction: v.InAction, Misread: v.Misread,
		JudgedBy: v.JudgedBy, Relationships: v.Relationships}
}

func valueFormFrom(r *http.Request) valueForm {
	f := func(k string) string { return r.PostFormValue(k) }
	return valueForm{Name: f("name"), Code: f("code"), Colour: f("colour"), Description: f("description"),
		Place: strings.TrimSpace(f("place")), Meaning: f("meaning"), InAction: f("in_action"),
		Misread: f("misread"), JudgedBy: f("judged_by"), Relationships: f("relationships")}
}

// position turns the 1-based place into the domain's position.
func (f valueForm) position() (*int, error) {
	if f.Place == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(f.Place)
	if err != nil || n < 1 {
		return nil, apperr.Invalid("place", "%q is not a place in the list (1, 2, 3...)", f.Place)
	}
	n--
	return &n, nil
}

func (f valueForm) input() (quality.ValueInput, error) {
	pos, err := f.position()
	return quality.ValueInput{Name: f.Name, Code: f.Code, Colour: f.Colour, Description: f.Description,
		Position: pos, Meaning: f.Meaning, InAction: f.InAction, Misread: f.Misread, JudgedBy: f.JudgedBy,
		Relationships: f.Relationships}, err
}

func (f valueForm) patch() (quality.ValuePatch, error) {
	pos, err := f.position()
	return quality.ValuePatch{Name: &f.Name, Code: &f.Code, Colour: &f.Colour, Description: &f.Description,
		Position: pos, Meaning: &f.Meaning, InAction: &f.InAction, Misread: &f.Misread, JudgedBy: &f.JudgedBy,
		Relationships: &f.Relationships}, err
}

func (wb *Pages) philosophyEditor(w http.ResponseWriter, r *http.Request) error {
	return wb.renderEditor(w, r, http.StatusOK, nil, nil, valueForm{Colour: "#1f5fae"})
}

// renderEditor shows the editor; vision, when not nil, is what the vision
// form sent, and problem what was wrong with the form sent.
func (wb *Pages) renderEditor(w http.ResponseWriter, r *http.Request, status int, problem error, vision *string, nv valueForm) error {
	p, err := wb.Quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	page := &philosophyEditorPage{Page: wb.BasePage(r, "Edit the philosophy"), Vision: p.Vision,
		Values: newBody(p, false).Values, Warning: p.Warning, Suggested: quality.MaxSuggestedValues,
		Crowded: len(p.Values) == quality.MaxSuggestedValues, New: nv}
	if vision != nil {
		page.Vision, page.ErrorIn = *vision, "vision"
	} else if problem != nil {
		page.ErrorIn = "value"
	}
	if problem != nil {
		var detail httpx.ErrorDetail
		if status, detail = httpx.Describe(r.Context(), problem); status >= 500 {
			return problem
		}
		page.Error, page.ErrorField = detail.Message, detail.Field
		page.New.ErrorField = detail.Field
	}
	wb.Render(w, r, status, "philosophy_edit", page)
	return nil
}

func (wb *Pages) saveVision(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	vision := r.PostFormValue("vision")
	if _, err := wb.Quality.SetVision(r.Context(), me, vision); err != nil {
		return wb.renderEditor(w, r, 0, err, &vision, valueForm{Colour: "#1f5fae"})
	}
	wb.Flash(r, "Vision saved; the earlier wording is kept in the versions.")
	http.Redirect(w, r, "/philosophy/edit", http.StatusSeeOther)
	return nil
}

func (wb *Pages) createValue(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	form := valueFormFrom(r)
	in, err := form.input()
	if err != nil {
		return wb.renderEditor(w, r, 0, err, nil, form)
	}
	res, err := wb.Quality.CreateValue(r.Context(), me, in)
	if err != nil {
		return wb.renderEditor(w, r, 0, err, nil, form)
	}
	wb.Flash(r, withWarning("Added "+res.Name+".", res.Warning))
	http.Redirect(w, r, "/philosophy/edit", http.StatusSeeOther)
	return nil
}

// withWarning appends the domain's warning, if any, to a message.
func withWarning(msg, warning string) string {
	if warning == "" {
		return msg
	}
	return msg + " Note: " + warning + "."
}

func (wb *Pages) valueEditor(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.findValue(r, id)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "philosophy_value", &valueEditorPage{
		Page: wb.BasePage(r, "Edit "+v.Name), Form: valueFormOf(v)})
	return nil
}

// findValue returns the value with id from the live philosophy.
func (wb *Pages) findValue(r *http.Request, id int64) (quality.Value, error) {
	p, err := wb.Quality.Philosophy(r.Context())
	if err != nil {
		return quality.Value{}, err
	}
	for _, v := range p.Values {
		if v.ID == id {
			return v, nil
		}
	}
	return quality.Value{}, apperr.NotFound("value")
}

func (wb *Pages) saveValue(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	form := valueFormFrom(r)
	form.ID = id
	patch, err := form.patch()
	if err == nil {
		var res *quality.ValueResult
		if res, err = wb.Quality.UpdateValue(r.Context(), me, id, patch); err == nil {
			wb.Flash(r, withWarning("Saved "+res.Name+".", res.Warning))
			http.Redirect(w, r, "/philosophy/edit", http.StatusSeeOther)
			return nil
		}
	}
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 || status == http.StatusNotFound || status == http.StatusForbidden {
		return err
	}
	form.ErrorField = detail.Field
	wb.Render(w, r, status, "philosophy_value", &valueEditorPage{Page: wb.BasePage(r, "Edit value"),
		Form: form, Error: detail.Message, ErrorField: detail.Field})
	return nil
}

func (wb *Pages) deleteValue(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.findValue(r, id)
	if err != nil {
		return err
	}
	if err := wb.Quality.DeleteValue(r.Context(), me, id); err != nil {
		return err
	}
	wb.Flash(r, "Removed "+v.Name+"; it stays in the earlier versions.")
	http.Redirect(w, r, "/philosophy/edit", http.StatusSeeOther)
	return nil
}
