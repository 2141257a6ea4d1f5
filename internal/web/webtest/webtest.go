// Package webtest builds what a page surface's tests need: a SQLite
// database, the kit, a mux, users of each role with signed-in sessions, and
// checks that walk a surface's route table.
package webtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/session"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Env is one surface's test bench.
type Env struct {
	T        *testing.T
	DB       *db.DB
	Kit      *kit.Kit
	Mux      *http.ServeMux
	Users    *user.Service
	Settings *settings.Store
	Box      *secret.Box
	Sessions *scs.SessionManager
}

// New builds a bench over a fresh SQLite database. Its mux also serves
// GET /webtest/signin/{id}, which signs a user in without a password.
func New(t *testing.T) *Env {
	t.Helper()
	return NewOn(t, testutil.NewSQLite(t))
}

// NewOn builds the bench over d, for pages tested on both databases
// (testutil.ForEachDB).
func NewOn(t *testing.T, d *db.DB) *Env {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	log := testutil.Logger(t)
	e := &Env{T: t, DB: d, Mux: http.NewServeMux(), Box: box,
		Users:    user.NewService(d, box, user.PasswordParams{Memory: 8 * 1024, Time: 1, Threads: 1}),
		Settings: settings.NewStore(d)}
	sessions := session.NewManager(session.NewStore(d), session.Options{Lifetime: time.Hour, IdleTimeout: time.Hour}, log)
	e.Sessions = sessions
	e.Kit, err = kit.New(kit.Deps{Log: log, Users: e.Users, Settings: e.Settings, Sessions: sessions})
	if err != nil {
		t.Fatal(err)
	}
	e.Mux.Handle("GET /webtest/signin/{id}", sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		u, err := e.Users.Get(r.Context(), id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sessions.Put(r.Context(), kit.KeyUserID, u.ID)
		sessions.Put(r.Context(), kit.KeyEpoch, u.SessionEpoch)
	})))
	return e
}

// Register puts a surface's table on the bench's mux.
func (e *Env) Register(t kit.Table) { e.Kit.Register(e.Mux, t) }

// SignIn creates a user with role ("agent", "lead" or "admin"), signs them
// in and returns their session cookie.
func (e *Env) SignIn(role string) *http.Cookie {
	e.T.Helper()
	id := testutil.NewUser(e.T, e.DB, role)
	rec := httptest.NewRecorder()
	e.Mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webtest/signin/"+strconv.FormatInt(id, 10), nil))
	if rec.Code != http.StatusOK {
		e.T.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		return c
	}
	e.T.Fatal("sign in: no session cookie")
	return nil
}

// Do serves one request, with the cookie when not nil; a POST sends an
// empty form.
func (e *Env) Do(method, path string, c *http.Cookie) *httptest.ResponseRecorder {
	var r *http.Request
	if method == http.MethodPost {
		r = httptest.NewRequest(method, path, strings.NewReader(url.Values{}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if c != nil {
		r.AddCookie(c)
	}
	r = r.WithContext(context.Background())
	rec := httptest.NewRecorder()
	e.Mux.ServeHTTP(rec, r)
	return rec
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// Target turns a route pattern into a method and a path to request:
// wildcards become 1, "{$}" the bare path.
func Target(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	path = wildcard.ReplaceAllString(path, "1")
	if path == "" {
		path = "/"
	}
	return method, path
}

// CheckRefusals walks a surface's table and checks that each route refuses
// whoever its level does not admit, before the handler runs: the signed-out
// are sent to sign in (a GET) or refused with 401 (a POST); an agent is
// refused lead pages and a lead admin pages with 403. Customer routes send
// the signed-out to the portal. Public routes are not requested.
func (e *Env) CheckRefusals(t kit.Table) {
	e.T.Helper()
	agent, lead := e.SignIn("agent"), e.SignIn("lead")
	for _, rt := range t.Routes {
		method, path := Target(rt.Pattern)
		switch rt.Level {
		case kit.Public:
			continue
		case kit.Customer:
			e.expectSignedOut(rt, method, path, "/portal")
			continue
		}
		e.expectSignedOut(rt, method, path, "/signin")
		switch rt.Level {
		case kit.Lead:
			e.expectStatus(rt, method, path, agent, http.StatusForbidden)
		case kit.Admin:
			e.expectStatus(rt, method, path, lead, http.StatusForbidden)
		}
	}
}

func (e *Env) expectSignedOut(rt kit.Route, method, path, signIn string) {
	e.T.Helper()
	rec := e.Do(method, path, nil)
	if method == http.MethodGet {
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), signIn) {
			e.T.Errorf("%s signed out: %d to %q, want 303 to %s", rt.Pattern, rec.Code, rec.Header().Get("Location"), signIn)
		}
		return
	}
	if rec.Code != http.StatusUnauthorized {
		e.T.Errorf("%s signed out: %d, want 401", rt.Pattern, rec.Code)
	}
}

func (e *Env) expectStatus(rt kit.Route, method, path string, c *http.Cookie, want int) {
	e.T.Helper()
	if rec := e.Do(method, path, c); rec.Code != want {
		e.T.Errorf("%s (%s): %d, want %d", rt.Pattern, rt.Level, rec.Code, want)
	}
}
