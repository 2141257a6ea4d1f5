package friction

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// The ticket page's friction panel (a partial of the workspace's ticket
// page, ticket_friction.html) posts here. A form that is refused comes back
// on a page of its own (GET /tickets/{id}/friction, which also serves a
// phone better than the side panel), with the problem and what was typed.

// ticketData is the page of a ticket's friction points and forms.
type ticketData struct {
	Page
	Panel *friction.Panel
	kit.FormProblem
	Proposal friction.Proposal
}

func (wb *Pages) ticketForm(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return wb.renderTicket(w, r, http.StatusOK, id, &ticketData{})
}

func (wb *Pages) renderTicket(w http.ResponseWriter, r *http.Request, status int, ticketID int64, d *ticketData) error {
	if _, err := wb.Friction.TicketTags(r.Context(), ticketID); err != nil {
		return err // no such ticket
	}
	p, err := wb.Friction.PanelFor(r.Context(), ticketID)
	if err != nil {
		return err
	}
	d.Page, d.Panel = wb.BasePage(r, "Friction on this ticket"), p
	wb.Render(w, r, status, "friction_ticket", d)
	return nil
}

// ticketFriction serves POST /tickets/{id}/friction: action "tag" tags the
// ticket with friction_id; "propose" proposes a new point seen on it.
func (wb *Pages) ticketFriction(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	d := &ticketData{}
	var msg string
	switch r.PostFormValue("action") {
	case "propose":
		d.Proposal = friction.Proposal{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), TicketID: id}
		if d.Proposal.DepartmentID, err = formID(r, "department_id"); err == nil {
			_, err = wb.Friction.Propose(r.Context(), me(r), d.Proposal)
		}
		msg = fmt.Sprintf("Thank you: %q goes to the leads, and this ticket is tagged with it once accepted.",
			strings.TrimSpace(d.Proposal.Name))
	default:
		var fid int64
		if fid, err = formID(r, "friction_id"); err == nil {
			_, err = wb.Friction.TagTicket(r.Context(), me(r), id, fid)
		}
		msg = "The ticket is tagged."
	}
	if err != nil {
		return wb.refuseTicket(w, r, id, err, d)
	}
	wb.Flash(r, msg)
	http.Redirect(w, r, fmt.Sprintf("/tickets/%d#friction", id), http.StatusSeeOther)
	return nil
}

func (wb *Pages) untag(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := httpx.PathID(r, "friction_id")
	if err != nil {
		return err
	}
	if _, err := wb.Friction.UntagTicket(r.Context(), me(r), id, fid); err != nil {
		return wb.refuseTicket(w, r, id, err, &ticketData{})
	}
	wb.Flash(r, "The friction point is off the ticket.")
	http.Redirect(w, r, fmt.Sprintf("/tickets/%d#friction", id), http.StatusSeeOther)
	return nil
}

func (wb *Pages) refuseTicket(w http.ResponseWriter, r *http.Request, id int64, err error, d *ticketData) error {
	status, pr, ferr := kit.ProblemOf(r, err)
	if ferr != nil {
		return ferr
	}
	if status == http.StatusNotFound || status == http.StatusForbidden {
		return err
	}
	d.FormProblem = pr
	return wb.renderTicket(w, r, status, id, d)
}
