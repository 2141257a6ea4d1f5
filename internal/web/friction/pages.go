// Package friction serves the friction hunters' pages: the friction points
// with the proposals a lead accepts or declines and the status the
// ambassadors set (/friction), the departments and their ambassadors
// (/friction/departments), the friction report (/friction/report), and the
// forms of the ticket page's friction panel (package friction does the
// work; the panel itself is a partial of the workspace's ticket page).
package friction

import (
	"embed"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Users    *user.Service
	Friction *friction.Service
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

// Page is what every page's data starts with.
type Page = kit.Page

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "friction", Routes: wb.routes()}, nil
}

// routes is the surface's route table. Leads manage departments and decide
// proposals; what else someone may do (set a status as an ambassador, take
// a tag off) is decided by package friction.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /friction", Level: kit.Agent, Handler: wb.pointsPage},
		{Pattern: "POST /friction", Level: kit.Lead, Handler: wb.createPoint},
		{Pattern: "POST /friction/{id}/accept", Level: kit.Lead, Handler: wb.accept},
		{Pattern: "POST /friction/{id}/decline", Level: kit.Lead, Handler: wb.decline},
		{Pattern: "POST /friction/{id}/status", Level: kit.Agent, Handler: wb.setStatus},
		{Pattern: "GET /friction/report", Level: kit.Agent, Handler: wb.reportPage},
		{Pattern: "GET /friction/departments", Level: kit.Lead, Handler: wb.departmentsPage},
		{Pattern: "POST /friction/departments", Level: kit.Lead, Handler: wb.createDepartment},
		{Pattern: "POST /friction/departments/{id}/edit", Level: kit.Lead, Handler: wb.updateDepartment},
		{Pattern: "POST /friction/departments/{id}/delete", Level: kit.Lead, Handler: wb.deleteDepartment},
		{Pattern: "GET /tickets/{id}/friction", Level: kit.Agent, Handler: wb.ticketForm},
		{Pattern: "POST /tickets/{id}/friction", Level: kit.Agent, Handler: wb.ticketFriction},
		{Pattern: "POST /tickets/{id}/friction/{friction_id}/remove", Level: kit.Agent, Handler: wb.untag},
	}
}

func me(r *http.Request) *user.User { return user.FromContext(r.Context()) }
