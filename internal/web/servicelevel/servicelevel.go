// Package servicelevel serves the pages of service level: the pages that
// edit business-hours schedules and SLA policies (leads' work) and the
// service goals (admins'), and the SLA panel of the ticket page
// (packages schedule and sla do the work).
package servicelevel

import (
	"embed"

	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Schedules *schedule.Service
	SLA       *sla.Service
	Teams     *team.Service
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
	return kit.Table{Surface: "service", Routes: wb.routes()}, nil
}

// routes is the surface's route table: every route with who may open it.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /admin/schedules", Level: kit.Lead, Handler: wb.schedulesPage},
		{Pattern: "POST /admin/schedules", Level: kit.Lead, Handler: wb.createSchedule},
		{Pattern: "GET /admin/schedules/{id}", Level: kit.Lead, Handler: wb.schedulePage},
		{Pattern: "POST /admin/schedules/{id}", Level: kit.Lead, Handler: wb.updateSchedule},
		{Pattern: "POST /admin/schedules/{id}/holidays", Level: kit.Lead, Handler: wb.importHolidays},
		{Pattern: "POST /admin/schedules/{id}/delete", Level: kit.Lead, Handler: wb.deleteSchedule},
		{Pattern: "GET /admin/sla-policies", Level: kit.Lead, Handler: wb.policiesPage},
		{Pattern: "POST /admin/sla-policies", Level: kit.Lead, Handler: wb.createPolicy},
		{Pattern: "GET /admin/sla-policies/{id}", Level: kit.Lead, Handler: wb.policyPage},
		{Pattern: "POST /admin/sla-policies/{id}", Level: kit.Lead, Handler: wb.updatePolicy},
		{Pattern: "POST /admin/sla-policies/{id}/move", Level: kit.Lead, Handler: wb.movePolicy},
		{Pattern: "POST /admin/sla-policies/{id}/delete", Level: kit.Lead, Handler: wb.deletePolicy},
		{Pattern: "GET /tickets/{id}/sla", Level: kit.Agent, Handler: wb.ticketSLA},
		{Pattern: "GET /admin/service-goals", Level: kit.Admin, Handler: wb.goalsPage},
		{Pattern: "POST /admin/service-goals", Level: kit.Admin, Handler: wb.saveDeskGoal},
		{Pattern: "POST /admin/service-goals/teams/{id}", Level: kit.Admin, Handler: wb.saveTeamGoal},
		{Pattern: "POST /admin/service-goals/teams/{id}/clear", Level: kit.Admin, Handler: wb.clearTeamGoal},
	}
}
