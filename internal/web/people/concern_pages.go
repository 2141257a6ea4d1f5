package people

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// concernsData is GET /concerns: the form to raise one, and the list
// (every concern for leads, one's own otherwise).
type concernsData struct {
	Page
	Lead     bool
	Concerns []*coaching.Concern
	Values   []quality.Value
	Form     concernForm
	Problem  *problem
}

type concernForm struct {
	Body, Ticket string
	ValueID      int64
}

func (wb *Pages) concernsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderConcerns(w, r, http.StatusOK, concernForm{}, nil)
}

func (wb *Pages) renderConcerns(w http.ResponseWriter, r *http.Request, status int, f concernForm, pr *problem) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	list, err := wb.Coaching.Concerns(ctx, me, "")
	if err != nil {
		return err
	}
	p, err := wb.Quality.Philosophy(ctx)
	if err != nil {
		return err
	}
	wb.Render(w, r, status, "concerns", &concernsData{Page: wb.BasePage(r, "Concerns"), Lead: me.IsLead(),
		Concerns: list, Values: p.Values, Form: f, Problem: pr})
	return nil
}

// raiseConcern serves POST /concerns.
func (wb *Pages) raiseConcern(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("body", "cannot read the form")
	}
	f := concernForm{Body: r.PostFormValue("body"), Ticket: r.PostFormValue("ticket_id")}
	f.ValueID, _ = strconv.ParseInt(r.PostFormValue("value_id"), 10, 64)
	in := coaching.NewConcern{Body: f.Body}
	if f.ValueID > 0 {
		in.ValueID = &f.ValueID
	}
	ids, err := formIDs(r, "ticket_id")
	switch {
	case err != nil:
	case len(ids) > 1:
		err = apperr.Invalid("ticket_id", "give one ticket")
	case len(ids) == 1:
		in.TicketID = &ids[0]
	}
	if err == nil {
		var c *coaching.Concern
		if c, err = wb.Coaching.RaiseConcern(r.Context(), user.FromContext(r.Context()), in); err == nil {
			wb.Flash(r, "Your concern went to the leads, in confidence.")
			http.Redirect(w, r, fmt.Sprintf("/concerns/%d", c.ID), http.StatusSeeOther)
			return nil
		}
	}
	pr, status, ok := asProblem(r, err)
	if !ok {
		return err
	}
	return wb.renderConcerns(w, r, status, f, pr)
}

// concernData is GET /concerns/{id}.
type concernData struct {
	Page
	C       *coaching.Concern
	Lead    bool
	Next    []coaching.ConcernStatus // where a lead may move it
	Problem *problem
}

func (wb *Pages) concernPage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return wb.renderConcern(w, r, http.StatusOK, id, nil)
}

func (wb *Pages) renderConcern(w http.ResponseWriter, r *http.Request, status int, id int64, pr *problem) error {
	me := user.FromContext(r.Context())
	c, err := wb.Coaching.Concern(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := &concernData{Page: wb.BasePage(r, fmt.Sprintf("Concern %d", id)), C: c, Lead: me.IsLead(), Problem: pr}
	if d.Lead {
		d.Next = c.Status.Next()
	}
	wb.Render(w, r, status, "concern", d)
	return nil
}

// moveConcern serves POST /concerns/{id}: a lead's move and outcome.
func (wb *Pages) moveConcern(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	outcome := r.PostFormValue("outcome")
	in := coaching.ConcernUpdate{Status: coaching.ConcernStatus(r.PostFormValue("status")), Outcome: &outcome}
	if _, err := wb.Coaching.UpdateConcern(r.Context(), me, id, in); err != nil {
		pr, status, ok := asProblem(r, err)
		if !ok {
			return err
		}
		return wb.renderConcern(w, r, status, id, pr)
	}
	wb.Flash(r, "The concern is "+string(in.Status)+".")
	http.Redirect(w, r, fmt.Sprintf("/concerns/%d", id), http.StatusSeeOther)
	return nil
}
