// Package kit is what every page surface of Centerdesk shares: templates
// parsed at start (the layout and shared partials embedded here, each
// surface's pages embedded in its own package), the base data of a page,
// the flash, error pages, the page handler adapter, signing in and access
// levels, and the checksummed static assets.
package kit

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Deps are the services the kit itself calls.
type Deps struct {
	Log      *slog.Logger
	Users    *user.Service
	Settings *settings.Store
	Sessions *scs.SessionManager
	// Unread counts a signed-in agent's unread notifications for the
	// header's bell; nil shows none.
	Unread func(r *http.Request) int
}

// Kit renders pages and guards routes for every surface.
type Kit struct {
	Deps
	static *staticFiles
	views  *Views // the kit's own pages: the error page
	routes []Recorded
}

// New parses the layout, the shared partials and the error page and indexes
// the static files, failing at start rather than on the first request if
// any is broken.
func New(deps Deps) (*Kit, error) {
	st, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	k := &Kit{Deps: deps, static: st}
	if k.views, err = k.Views(assets); err != nil {
		return nil, err
	}
	return k, nil
}

// Page adapts a handler: it loads the session, sets the security headers,
// refuses query and form text no column can hold (httpx.CheckRequestText),
// and answers errors with a page (or a redirect to sign in).
func (k *Kit) Page(h httpx.HandlerFunc) http.Handler {
	return k.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetPageHeaders(w)
		err := httpx.CheckRequestText(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			k.fail(w, r, err)
		}
	}))
}

// SetPageHeaders forbids inline script, framing and content sniffing.
func SetPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}

func (k *Kit) fail(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.Is(err, apperr.KindUnauthorized) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(httpx.LocalPath(r.URL.RequestURI(), "/")), http.StatusSeeOther)
		return
	}
	httpx.LogError(r, k.Log, err)
	status, detail := httpx.Describe(r.Context(), err)
	if status == 499 {
		return
	}
	r = k.withViewer(r)
	k.views.Render(w, r, status, "error", &errorPage{Page: k.BasePage(r, errorTitle(status)), Detail: detail, Status: status})
}

// NotFound answers any path no surface serves, with the navigation kept.
func (k *Kit) NotFound(w http.ResponseWriter, r *http.Request) error {
	r = k.withViewer(r)
	k.views.Render(w, r, http.StatusNotFound, "error", &errorPage{Page: k.BasePage(r, errorTitle(http.StatusNotFound)), Status: http.StatusNotFound})
	return nil
}

func errorTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusForbidden:
		return "Not allowed"
	}
	return "Error"
}

// withViewer puts the signed-in agent in r's context when the handler
// failed before loading them (a 403 from a role check) or never does (a
// path no surface serves), so an error page keeps the workspace's
// navigation instead of stranding its reader. It changes nothing: a
// session that has ended is left for the next real page to end.
func (k *Kit) withViewer(r *http.Request) *http.Request {
	ctx := r.Context()
	if user.FromContext(ctx) != nil || k.Users == nil {
		return r
	}
	id := k.Sessions.GetInt64(ctx, KeyUserID)
	if id == 0 {
		return r
	}
	u, err := k.Users.Current(ctx, id, k.Sessions.GetInt64(ctx, KeyEpoch))
	if err != nil {
		return r
	}
	return r.WithContext(user.WithUser(ctx, u))
}

// Static serves the embedded assets under /static/.
func (k *Kit) Static() http.Handler { return k.static }

type errorPage struct {
	Page
	Status int
	Detail httpx.ErrorDetail
}
