// Package api is Centerdesk's JSON REST API (v1). Handlers are thin: they
// decode, call a domain service and encode; every rule lives in the domain.
// They are grouped by domain in small types (ticketHandlers, qualityHandlers
// ...) that hold only the services they call; routes.go lists every route
// with who may call it, and the OpenAPI document is built from that list.
package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/ratelimit"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticketexport"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
)

// Deps are the services the API calls.
type Deps struct {
	Log      *slog.Logger
	DB       *db.DB
	Users    *user.Service
	Settings *settings.Store

	Tickets     *ticket.Service
	Exports     *ticketexport.Service // tickets streamed out for download
	Customers   *customer.Service
	Idempotency *idempotency.Store
	Teams       *team.Service
	Fields      *field.Service
	Attachments *attachment.Service
	Search      *search.Service
	Mailboxes   *mailbox.Service
	Macros      *macro.Service
	Replies     *reply.Service // agents' messages with their macro and status
	Privacy     *privacy.Service
	Views       *view.Service
	Quality     *quality.Service
	Recognition *recognition.Service
	Coaching    *coaching.Service // coaching sessions and concerns
	Standing    *standing.Service // leaderboard, tiers, agents' pages

	// Sections are the domains' parts of the API that live in packages of
	// their own (internal/api/<domain>api); Register serves their routes
	// beside the core table, behind the same access levels.
	Sections []apikit.Section

	// TokenLimit counts requests per token, AddressLimit those without a
	// valid token per client address; nil limits nothing.
	TokenLimit   *ratelimit.Policy
	AddressLimit *ratelimit.Policy
}

// API serves /api/v1.
type API struct {
	Deps
	routes []route        // the route table, built by Register
	docs   map[string]op  // each route's document entry, by pattern
	doc    map[string]any // the OpenAPI document of routes, built once by Register
}

// New returns the API over deps.
func New(deps Deps) *API { return &API{Deps: deps} }

// authenticate resolves the bearer token to its user, checks the route's
// access rule, and attributes the request's changes to that user. A
// request with a valid token counts against that token's rate limit; one
// without counts against its address's, so that made-up tokens do not
// dodge it.
func (a *API) authenticate(who access, next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		secret, ok := bearerToken(r)
		if !ok {
			if err := a.limitAddress(w, r); err != nil {
				return err
			}
			return apperr.Unauthorized("send an API token: Authorization: Bearer <token>")
		}
		u, err := a.Users.Authenticate(r.Context(), secret, httpx.ClientIP(r))
		if wait, ok := user.RetryAfter(err); ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
		}
		if apperr.Is(err, apperr.KindUnauthorized) {
			if lerr := a.limitAddress(w, r); lerr != nil {
				return lerr
			}
		}
		if err != nil {
			return err
		}
		if err := a.TokenLimit.Allow(w, ratelimit.TokenKey(secret)); err != nil {
			return err
		}
		if err := allowed(who, u); err != nil {
			return err
		}
		ctx := user.WithUser(r.Context(), u)
		ctx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: httpx.ClientIP(r)})
		return next(w, r.WithContext(ctx))
	}
}

// allowed checks a route's access level against the token's user.
func allowed(who access, u *user.User) error {
	switch {
	case who == admin && !u.IsAdmin():
		return apperr.Forbidden("only admins may do this")
	case who == lead && !u.IsLead():
		return apperr.Forbidden("only leads and admins may do this")
	}
	return nil
}

// limitPublic counts a route that takes no token against the client
// address's rate limit.
func (a *API) limitPublic(next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := a.limitAddress(w, r); err != nil {
			return err
		}
		return next(w, r)
	}
}

// checkQuery refuses query parameters no column can hold before any
// handler reads them (httpx.CheckRequestText), so none answers 500.
func checkQuery(next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := httpx.CheckRequestText(r); err != nil {
			return err
		}
		return next(w, r)
	}
}

// limitAddress counts a request without a valid token against its
// address's rate limit.
func (a *API) limitAddress(w http.ResponseWriter, r *http.Request) error {
	return a.AddressLimit.Allow(w, ratelimit.AddressKey(httpx.ClientIP(r)))
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// notFound answers any /api/ path no route matched, in the error convention.
func (a *API) notFound(w http.ResponseWriter, r *http.Request) error {
	return &apperr.Error{Kind: apperr.KindNotFound, Code: "no_route",
		Message: "no API route " + r.Method + " " + r.URL.Path}
}

// list wraps a listing so clients always get {"items": [...]}.
type list[T any] = apikit.List[T]

func listOf[T any](items []T) list[T] { return apikit.ListOf(items) }

// AdminOnly serves h, which is not part of the API, to admins' tokens only,
// with the API's authentication, rate limit and error convention (the
// server guards /metrics with it).
func (a *API) AdminOnly(h http.Handler) http.Handler {
	return httpx.JSON(a.Log, a.authenticate(admin, func(w http.ResponseWriter, r *http.Request) error {
		h.ServeHTTP(w, r)
		return nil
	}))
}
