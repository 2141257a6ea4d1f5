// Package web serves Centerdesk's HTML pages: server-rendered templates and
// static assets, all embedded in the binary.
package web

import (
	"embed"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/live"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/web/account"
	adminpages "github.com/centerdesk/centerdesk/internal/web/admin"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	"github.com/centerdesk/centerdesk/internal/web/kit"
	peoplepages "github.com/centerdesk/centerdesk/internal/web/people"
	portalpages "github.com/centerdesk/centerdesk/internal/web/portal"
	qualitypages "github.com/centerdesk/centerdesk/internal/web/quality"
)

// Deps are the services the pages call.
type Deps struct {
	Log      *slog.Logger
	DB       *db.DB
	Users    *user.Service
	Settings *settings.Store
	Sessions *scs.SessionManager

	Tickets     *ticket.Service
	Customers   *customer.Service
	Teams       *team.Service
	Fields      *field.Service
	Attachments *attachment.Service
	Search      *search.Service
	Mailboxes   *mailbox.Service
	Macros      *macro.Service
	Replies     *reply.Service   // agents' messages with their macro and status
	Bus         *events.Bus      // live updates for pages
	Jobs        *jobs.Queue      // durable work such as sign-in link emails
	TokenKey    []byte           // the instance's signing key
	Live        *live.Hub        // GET /live: server-sent events for agents' pages
	Presence    *presence.Hub    // who views or replies to which ticket
	Notify      *notify.Service  // agents' notifications (the bell)
	Portal      *portal.Service  // the customer portal (/portal)
	Views       *view.Service    // agents' saved ticket filters (the inbox)
	Quality     *quality.Service // the quality programme: philosophy, reviews, calibration

	// Recognition: value badges, awards, nominations and the feed.
	Recognition *recognition.Service
	// People: coaching sessions and concerns; leaderboard, tiers and
	// agents' pages.
	Coaching *coaching.Service
	Standing *standing.Service
}

// Web serves the pages.
type Web struct {
	Deps
	kit *kit.Kit
	// Conversations reads a ticket's messages for the ticket page.
	Conversations *conversation.Loader
	views         *kit.Views
	tables        []kit.Table // the surfaces moved to their own packages
}

//go:embed templates
var templates embed.FS

// New parses the templates and indexes the static files, failing at start
// rather than on the first request if any is broken.
func New(deps Deps) (*Web, error) {
	wb := &Web{Deps: deps, Conversations: &conversation.Loader{DB: deps.DB, Users: deps.Users, Teams: deps.Teams,
		Customers: deps.Customers, Tickets: deps.Tickets}}
	k, err := kit.New(kit.Deps{Log: deps.Log, Users: deps.Users, Settings: deps.Settings,
		Sessions: deps.Sessions, Unread: wb.unreadNotifications})
	if err != nil {
		return nil, err
	}
	wb.kit = k
	if wb.views, err = k.Views(templates); err != nil {
		return nil, err
	}
	if err := wb.surfaces(deps); err != nil {
		return nil, err
	}
	return wb, nil
}

// Register puts every surface's route table on mux.
func (wb *Web) Register(mux *http.ServeMux) {
	k := wb.kit
	k.Register(mux, kit.Table{Surface: "kit", Routes: []kit.Route{
		{Pattern: "GET /static/", Level: kit.Public, Raw: k.Static()},
		{Pattern: "/", Level: kit.Public, Handler: k.NotFound},
	}})
	k.Register(mux, kit.Table{Surface: "workspace", Routes: wb.workspaceRoutes()})
	for _, t := range wb.tables {
		k.Register(mux, t)
	}
}

// surfaces builds the surfaces that have their own package.
func (wb *Web) surfaces(d Deps) error {
	k := wb.kit
	t, err := portalpages.New(k, portalpages.Deps{Log: d.Log, Users: d.Users, Settings: d.Settings, Sessions: d.Sessions,
		Customers: d.Customers, Attachments: d.Attachments, Portal: d.Portal})
	if err != nil {
		return err
	}
	wb.tables = append(wb.tables, t)
	t, err = adminpages.New(k, adminpages.Deps{Log: d.Log, DB: d.DB, Users: d.Users, Settings: d.Settings,
		Tickets: d.Tickets, Teams: d.Teams, Fields: d.Fields, Mailboxes: d.Mailboxes, Recognition: d.Recognition})
	if err != nil {
		return err
	}
	wb.tables = append(wb.tables, t)
	t, err = account.New(k, account.Deps{Users: d.Users, Settings: d.Settings, Sessions: d.Sessions})
	if err != nil {
		return err
	}
	wb.tables = append(wb.tables, t)
	t, err = peoplepages.New(k, peoplepages.Deps{Users: d.Users, Quality: d.Quality, Coaching: d.Coaching, Standing: d.Standing})
	if err != nil {
		return err
	}
	wb.tables = append(wb.tables, t)
	t, err = qualitypages.New(k, qualitypages.Deps{Log: d.Log, Users: d.Users, Tickets: d.Tickets, Quality: d.Quality, Recognition: d.Recognition, Conversations: wb.Conversations})
	if err != nil {
		return err
	}
	wb.tables = append(wb.tables, t)
	return nil
}

// Page is what every page's data starts with.
type Page = kit.Page

func (wb *Web) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	wb.views.Render(w, r, status, name, data)
}

func (wb *Web) renderFragment(w http.ResponseWriter, status int, page, name string, data any) {
	wb.views.Fragment(w, status, page, name, data)
}

func (wb *Web) basePage(r *http.Request, title string) Page { return wb.kit.BasePage(r, title) }

func (wb *Web) flash(r *http.Request, msg string) { wb.kit.Flash(r, msg) }
