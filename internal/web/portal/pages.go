// Package portal serves the customer portal (/portal): customers sign in
// by an emailed link, open tickets, read and answer them.
package portal

import (
	"embed"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Log         *slog.Logger
	Users       *user.Service
	Settings    *settings.Store
	Sessions    *scs.SessionManager
	Customers   *customer.Service
	Attachments *attachment.Service
	Portal      *portal.Service // the customer portal (/portal)
	// Feedback shows a solved ticket's survey; nil shows none.
	Feedback *feedback.Service
	// Joining offers the customer's open requests on the new request form.
	Joining *joining.Service
	// Filed, when set, is told of each request the portal opens, so the
	// ticket keeps the help center articles its customer saw.
	Filed func(r *http.Request, ticketID int64) error
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
	return kit.Table{Surface: "portal", Routes: wb.routes(), Adapt: wb.portalPage, Customer: wb.signedInCustomer}, nil
}
