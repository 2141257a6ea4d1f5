// Package webhooks serves /admin/webhooks, where admins keep the webhook
// subscriptions to ticket events: each subscription's state, the form that
// adds one (its secret shown once), pausing and resuming, and its delivery
// log with redelivery (package hooksub does the work).
package webhooks

import (
	"embed"

	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Hooks *hooksub.Service
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
	return kit.Table{Surface: "webhooks", Routes: wb.routes()}, nil
}

// routes is the surface's route table: every route with who may open it.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /admin/webhooks", Level: kit.Admin, Handler: wb.listPage},
		{Pattern: "POST /admin/webhooks", Level: kit.Admin, Handler: wb.create},
		{Pattern: "GET /admin/webhooks/{id}", Level: kit.Admin, Handler: wb.hookPage},
		{Pattern: "POST /admin/webhooks/{id}/active", Level: kit.Admin, Handler: wb.setActive},
		{Pattern: "POST /admin/webhooks/{id}/delete", Level: kit.Admin, Handler: wb.delete},
		{Pattern: "POST /admin/webhooks/{id}/deliveries/{delivery_id}/redeliver", Level: kit.Admin, Handler: wb.redeliver},
	}
}
