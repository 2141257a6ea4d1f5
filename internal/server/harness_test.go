package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

var fastParams = user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

const testPassword = "correct horse battery"

// harness is a running server over a real database, with a browser-like
// client that keeps cookies and does not follow redirects.
type harness struct {
	t     *testing.T
	db    *db.DB
	users *user.Service
	url   string
	srv   *server.Server
}

func testConfig(t *testing.T) config.Config {
	return config.Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), LogFormat: "text", LogLevel: "info",
		SessionLifetime: 12 * time.Hour, SessionIdle: 2 * time.Hour, ShutdownTimeout: 10 * time.Second,
	}
}

func newBox(t *testing.T) *secret.Box {
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func newHarness(t *testing.T, d *db.DB) *harness {
	t.Helper()
	return newHarnessConfig(t, d, testConfig(t))
}

// newHarnessConfig is newHarness with settings of the test's own; host
// names of outbound requests resolve from testDNS, without DNS.
func newHarnessConfig(t *testing.T, d *db.DB, cfg config.Config) *harness {
	t.Helper()
	box := newBox(t)
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams, Resolver: testDNS{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &harness{t: t, db: d, users: user.NewService(d, box, fastParams), url: ts.URL, srv: srv}
}

func (h *harness) createUser(email, role string) *user.User {
	h.t.Helper()
	u, err := h.users.Create(context.Background(), user.NewUser{Email: email, Name: "Name of " + email, Role: role, Password: testPassword})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func (h *harness) token(u *user.User) string {
	h.t.Helper()
	_, secret, err := h.users.CreateToken(context.Background(), u.ID, "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return secret
}

// browser returns a client with its own cookie jar.
func (h *harness) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (h *harness) postForm(c *http.Client, path string, form url.Values, header ...string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return h.do(c, req)
}

func (h *harness) get(c *http.Client, path string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.url+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.do(c, req)
}

func (h *harness) do(c *http.Client, req *http.Request) *http.Response {
	h.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// api calls the JSON API with a token ("" for none).
func (h *harness) api(method, path, token, body string) (*http.Response, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp := h.do(http.DefaultClient, req)
	var out map[string]any
	if resp.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			h.t.Fatalf("%s %s: %d with a body that is not JSON: %v", method, path, resp.StatusCode, err)
		}
	}
	return resp, out
}

func (h *harness) signIn(c *http.Client, email string) {
	h.t.Helper()
	resp := h.postForm(c, "/signin", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		h.t.Fatalf("sign in %s: %d to %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errorOf returns the error object of a JSON error answer.
func errorOf(t *testing.T, out map[string]any) map[string]any {
	t.Helper()
	e, ok := out["error"].(map[string]any)
	if !ok {
		t.Fatalf("answer %v does not follow the error convention", out)
	}
	return e
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
