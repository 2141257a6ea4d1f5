// Package alerts serves /admin/alerts, where leads and admins keep alert
// rules: each rule's state in colour and words, the form that writes a
// rule, acknowledging and silencing, and a rule's history (package alert
// does the work).
package alerts

import (
	"embed"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Alerts *alert.Service
	Teams  *team.Service
	Users  *user.Service
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "alerts", Routes: wb.routes()}, nil
}

// routes is the surface's route table: every route with who may open it.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /admin/alerts", Level: kit.Lead, Handler: wb.listPage},
		{Pattern: "POST /admin/alerts", Level: kit.Lead, Handler: wb.create},
		{Pattern: "GET /admin/alerts/{id}", Level: kit.Lead, Handler: wb.rulePage},
		{Pattern: "POST /admin/alerts/{id}", Level: kit.Lead, Handler: wb.update},
		{Pattern: "POST /admin/alerts/{id}/ack", Level: kit.Lead, Handler: wb.ack},
		{Pattern: "POST /admin/alerts/{id}/silence", Level: kit.Lead, Handler: wb.silence},
		{Pattern: "POST /admin/alerts/{id}/delete", Level: kit.Lead, Handler: wb.delete},
	}
}
