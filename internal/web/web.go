// Package web serves Centerdesk's HTML pages: server-rendered templates and
// static assets, all embedded in the binary.
package web

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
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
	views  *views
	static *staticFiles
}

// New parses the templates and indexes the static files, failing at start
// rather than on the first request if any is broken.
func New(deps Deps) (*Web, error) {
	st, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	v, err := parseViews(st)
	if err != nil {
		return nil, err
	}
	return &Web{Deps: deps, views: v, static: st}, nil
}

// page adapts a handler: it loads the session, sets the security headers,
// refuses query and form text no column can hold (httpx.CheckRequestText),
// and answers errors with a page (or a redirect to sign in).
func (wb *Web) page(h httpx.HandlerFunc) http.Handler {
	return wb.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPageHeaders(w)
		err := httpx.CheckRequestText(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			wb.fail(w, r, err)
		}
	}))
}

// setPageHeaders forbids inline script, framing and content sniffing.
func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}

func (wb *Web) fail(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.Is(err, apperr.KindUnauthorized) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(httpx.LocalPath(r.URL.RequestURI(), "/")), http.StatusSeeOther)
		return
	}
	httpx.LogError(r, wb.Log, err)
	status, detail := httpx.Describe(r.Context(), err)
	if status == 499 {
		return
	}
	wb.render(w, r, status, "error", &errorPage{Page: wb.basePage(r, "Error"), Detail: detail, Status: status})
}

type errorPage struct {
	Page
	Status int
	Detail httpx.ErrorDetail
}
