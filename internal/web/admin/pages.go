// Package admin serves the admin pages: users and roles, the audit log, mailboxes, settings, teams, tags, custom fields, API tokens and the recognition webhook.
package admin

import (
	"embed"
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Log         *slog.Logger
	DB          *db.DB
	Users       *user.Service
	Settings    *settings.Store
	Tickets     *ticket.Service
	Teams       *team.Service
	Fields      *field.Service
	Mailboxes   *mailbox.Service
	Recognition *recognition.Service
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
	return kit.Table{Surface: "admin", Routes: wb.routes()}, nil
}
