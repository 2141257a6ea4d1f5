// Package frictionapi is the friction hunters' part of the JSON API:
// departments and their ambassadors, friction points with their proposals
// and status, the friction points tagged on a ticket, and the friction
// report. Handlers decode, call package friction and encode; who may do
// what beyond the route's access level is decided there.
package frictionapi

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves the friction routes.
type Section struct {
	Friction *friction.Service
}

// tagInput is the body of POST /api/v1/tickets/{id}/friction.
type tagInput struct {
	FrictionID int64 `json:"friction_id"`
}

// Routes lists the section's routes with who may call each.
func (s Section) Routes() []apikit.Route {
	h := handlers{s.Friction}
	dep, pt := friction.Department{}, friction.Point{}
	return []apikit.Route{
		{Pattern: "GET /api/v1/departments", Who: apikit.Agent, Handler: h.listDepartments,
			Doc: apikit.Op{Summary: "List departments with their ambassadors", Out: apikit.List[friction.Department]{}}},
		{Pattern: "POST /api/v1/departments", Who: apikit.Lead, Handler: h.createDepartment, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create a department with its ambassadors", In: friction.NewDepartment{}, Out: dep, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/departments/{id}", Who: apikit.Agent, Handler: h.getDepartment,
			Doc: apikit.Op{Summary: "Get a department", Out: dep}},
		{Pattern: "PATCH /api/v1/departments/{id}", Who: apikit.Lead, Handler: h.updateDepartment,
			Doc: apikit.Op{Summary: "Rename a department or replace its ambassadors", In: friction.DepartmentPatch{}, Out: dep}},
		{Pattern: "DELETE /api/v1/departments/{id}", Who: apikit.Lead, Handler: h.deleteDepartment,
			Doc: apikit.Op{Summary: "Delete a department that owns no friction point"}},

		{Pattern: "GET /api/v1/friction", Who: apikit.Agent, Handler: h.listPoints,
			Doc: apikit.Op{Summary: "List friction points", Query: []string{
				"state: proposed, accepted or declined; every state when absent",
				"department_id: only this department's points"}, Out: apikit.List[friction.Point]{}}},
		{Pattern: "POST /api/v1/friction", Who: apikit.Lead, Handler: h.createPoint, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create a friction point, accepted at once", In: friction.NewPoint{}, Out: pt, Status: http.StatusCreated}},
		{Pattern: "POST /api/v1/friction/proposals", Who: apikit.Agent, Handler: h.propose, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Propose a friction point seen on a ticket; a lead accepts or declines it, and accepting tags the ticket and recognises the proposer as a friction hunter",
				In: friction.Proposal{}, Out: pt, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/friction/report", Who: apikit.Agent, Handler: h.report,
			Doc: apikit.Op{Summary: "The friction report: per friction point and department, the tagged tickets created in the period, customers affected, contacts, reopens, tickets per week, and before and after a fix", Query: []string{
				"from: first day, YYYY-MM-DD (default: twelve weeks before to)",
				"to: last day, YYYY-MM-DD (default: today, UTC)",
				"format: json (default) or csv"}, Out: friction.Report{}, CSV: true}},
		{Pattern: "GET /api/v1/friction/{id}", Who: apikit.Agent, Handler: h.getPoint,
			Doc: apikit.Op{Summary: "Get a friction point", Out: pt}},
		{Pattern: "PATCH /api/v1/friction/{id}", Who: apikit.Lead, Handler: h.updatePoint,
			Doc: apikit.Op{Summary: "Rename, describe or move a friction point to another department", In: friction.PointPatch{}, Out: pt}},
		{Pattern: "DELETE /api/v1/friction/{id}", Who: apikit.Lead, Handler: h.deletePoint,
			Doc: apikit.Op{Summary: "Delete a friction point no ticket is tagged with"}},
		{Pattern: "POST /api/v1/friction/{id}/accept", Who: apikit.Lead, Handler: h.accept,
			Doc: apikit.Op{Summary: "Accept a proposed friction point (not one's own): tags its ticket and posts the proposer's friction hunter badge in the recognition feed", Out: pt}},
		{Pattern: "POST /api/v1/friction/{id}/decline", Who: apikit.Lead, Handler: h.decline,
			Doc: apikit.Op{Summary: "Decline a proposed friction point with a reason", In: friction.Decline{}, Out: pt}},
		{Pattern: "PUT /api/v1/friction/{id}/status", Who: apikit.Agent, Handler: h.setStatus,
			Doc: apikit.Op{Summary: "Set a friction point's status: open, raised, fix_planned, or fixed with fixed_on (YYYY-MM-DD); for the owning department's ambassadors and leads",
				In: friction.StatusChange{}, Out: pt}},

		{Pattern: "GET /api/v1/tickets/{id}/friction", Who: apikit.Agent, Handler: h.ticketTags,
			Doc: apikit.Op{Summary: "List the friction points a ticket is tagged with", Out: apikit.List[friction.Tag]{}}},
		{Pattern: "POST /api/v1/tickets/{id}/friction", Who: apikit.Agent, Handler: h.tag,
			Doc: apikit.Op{Summary: "Tag a ticket with an accepted friction point (again changes nothing); answers the ticket's friction points",
				In: tagInput{}, Out: apikit.List[friction.Tag]{}}},
		{Pattern: "DELETE /api/v1/tickets/{id}/friction/{friction_id}", Who: apikit.Agent, Handler: h.untag,
			Doc: apikit.Op{Summary: "Take a friction point off a ticket: whoever tagged it, the department's ambassadors and leads may; answers the ticket's friction points",
				Out: apikit.List[friction.Tag]{}}},
	}
}

type handlers struct{ friction *friction.Service }

func me(r *http.Request) *user.User { return user.FromContext(r.Context()) }

func created(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	httpx.WriteJSON(w, http.StatusCreated, v)
}

// queryID reads an optional id from the query, naming it when it is not one.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "%q is not an id", v)
	}
	return id, nil
}
