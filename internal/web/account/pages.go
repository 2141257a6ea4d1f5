// Package account serves signing in and out (password, second factor) and the account page: password, email, API tokens and two-factor enrolment.
package account

import (
	"embed"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Users    *user.Service
	Settings *settings.Store
	Sessions *scs.SessionManager
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
	return kit.Table{Surface: "account", Routes: wb.routes()}, nil
}
