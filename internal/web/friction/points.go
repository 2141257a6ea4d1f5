package friction

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("form", "cannot read the form")
	}
	return nil
}

// pointsData is GET /friction: the proposals waiting, the accepted points
// with their status, and the declined ones with the lead's reason.
type pointsData struct {
	Page
	Lead        bool
	Proposed    []*friction.Point
	Accepted    []*friction.Point
	Declined    []*friction.Point
	Departments []*friction.Department
	Ambassador  map[int64]bool // departments the viewer is an ambassador of
	Statuses    []friction.Status
	kit.FormProblem
	ProblemFor int64 // the point whose form the problem is about; 0 for the new point form
	Form       friction.NewPoint
}

func (wb *Pages) pointsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderPoints(w, r, http.StatusOK, &pointsData{})
}

func (wb *Pages) renderPoints(w http.ResponseWriter, r *http.Request, status int, d *pointsData) error {
	ctx := r.Context()
	points, err := wb.Friction.Points(ctx, friction.PointFilter{})
	if err != nil {
		return err
	}
	if d.Departments, err = wb.Friction.Departments(ctx); err != nil {
		return err
	}
	mine, err := wb.Friction.AmbassadorOf(ctx, me(r).ID)
	if err != nil {
		return err
	}
	d.Ambassador = map[int64]bool{}
	for _, id := range mine {
		d.Ambassador[id] = true
	}
	for _, p := range points {
		switch p.State {
		case friction.Proposed:
			d.Proposed = append(d.Proposed, p)
		case friction.Accepted:
			d.Accepted = append(d.Accepted, p)
		case friction.Declined:
			d.Declined = append(d.Declined, p)
		}
	}
	d.Page, d.Lead, d.Statuses = wb.BasePage(r, "Friction points"), me(r).IsLead(), friction.Statuses
	wb.Render(w, r, status, "friction_points", d)
	return nil
}

// refuse shows the list again with the problem by the form it is about,
// or fails the request when the problem is not the person's to fix.
func (wb *Pages) refuse(w http.ResponseWriter, r *http.Request, err error, d *pointsData) error {
	status, pr, ferr := kit.ProblemOf(r, err)
	if ferr != nil {
		return ferr
	}
	if status == http.StatusNotFound || status == http.StatusForbidden {
		return err
	}
	d.FormProblem = pr
	return wb.renderPoints(w, r, status, d)
}

func (wb *Pages) createPoint(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in := friction.NewPoint{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	dep, err := formID(r, "department_id")
	if err == nil {
		in.DepartmentID = dep
		_, err = wb.Friction.CreatePoint(r.Context(), me(r), in)
	}
	if err != nil {
		return wb.refuse(w, r, err, &pointsData{Form: in})
	}
	wb.Flash(r, fmt.Sprintf("%q is a friction point: agents can tag tickets with it.", strings.TrimSpace(in.Name)))
	http.Redirect(w, r, "/friction", http.StatusSeeOther)
	return nil
}

func (wb *Pages) accept(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := wb.Friction.Accept(r.Context(), me(r), id)
	if err != nil {
		return wb.refuse(w, r, err, &pointsData{ProblemFor: id})
	}
	msg := fmt.Sprintf("%q is accepted.", p.Name)
	if p.AwardID != nil {
		msg += " " + p.ProposedByName + " is recognised as a friction hunter in the feed."
	}
	wb.Flash(r, msg)
	http.Redirect(w, r, "/friction", http.StatusSeeOther)
	return nil
}

func (wb *Pages) decline(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := wb.Friction.DeclineProposal(r.Context(), me(r), id, friction.Decline{Reason: r.PostFormValue("reason")})
	if err != nil {
		return wb.refuse(w, r, err, &pointsData{ProblemFor: id})
	}
	wb.Flash(r, fmt.Sprintf("%q is declined; the proposer sees your reason.", p.Name))
	http.Redirect(w, r, "/friction", http.StatusSeeOther)
	return nil
}

func (wb *Pages) setStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	in := friction.StatusChange{Status: r.PostFormValue("status"), FixedOn: strings.TrimSpace(r.PostFormValue("fixed_on"))}
	if in.Status != string(friction.StatusFixed) {
		in.FixedOn = "" // the date field stays on the form whatever the status chosen
	}
	p, err := wb.Friction.SetStatus(r.Context(), me(r), id, in)
	if err != nil {
		return wb.refuse(w, r, err, &pointsData{ProblemFor: id})
	}
	wb.Flash(r, fmt.Sprintf("%q is %s.", p.Name, p.StatusText()))
	http.Redirect(w, r, "/friction", http.StatusSeeOther)
	return nil
}

// formID reads a required id from the form, naming the field when it is
// not one.
func formID(r *http.Request, field string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, apperr.Invalid(field, "is required")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(field, "%q is not an id", v)
	}
	return id, nil
}
