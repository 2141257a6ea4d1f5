package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestSignInAndOut(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "admin")
		b := h.browser()

		resp := h.get(b, "/")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
			t.Fatalf("signed-out home: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp = h.get(b, "/signin")
		page := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<label for="password">`) {
			t.Fatalf("sign-in page: %d\n%s", resp.StatusCode, page)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Fatalf("CSP %q does not forbid inline script", csp)
		}

		resp = h.postForm(b, "/signin", url.Values{"email": {"ada@example.com"}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body(t, resp), "wrong email address or password") {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}

		h.signIn(b, "ADA@example.com")
		for _, c := range b.Jar.Cookies(mustURL(t, h.url)) {
			if c.Name == "centerdesk_session" {
				goto found
			}
		}
		t.Fatal("no session cookie")
	found:
		resp = h.get(b, "/")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
			t.Fatalf("home after sign-in: %d to %q, want the inbox", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp = h.get(b, "/inbox")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body(t, resp), "Name of ada@example.com") {
			t.Fatalf("inbox after sign-in: %d", resp.StatusCode)
		}

		resp = h.postForm(b, "/signout", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", resp.StatusCode)
		}
		if resp := h.get(b, "/inbox"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
			t.Fatalf("inbox after sign-out: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
		}

		entries, err := audit.List(context.Background(), d.Read(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		got := strings.Join(actions, ",")
		if !strings.Contains(got, "user.sign_in,user.sign_in_failed") {
			t.Fatalf("audit actions %s lack the sign-in and the failed sign-in", got)
		}
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	h := newHarness(t, testutil.NewSQLite(t))
	h.createUser("ada@example.com", "admin")
	resp := h.postForm(h.browser(), "/signin", url.Values{"email": {"ada@example.com"}, "password": {testPassword}})
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "centerdesk_session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly and SameSite=Lax", cookie)
	}
}

func TestSessionExpiry(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "admin")
		b := h.browser()
		h.signIn(b, "ada@example.com")
		if resp := h.get(b, "/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("account: %d", resp.StatusCode)
		}
		past := time.Now().Add(-time.Minute)
		if _, err := d.Write().ExecContext(context.Background(), `UPDATE sessions SET expiry = $1`, db.Time(past)); err != nil {
			t.Fatal(err)
		}
		resp := h.get(b, "/account")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?next=%2Faccount") {
			t.Fatalf("expired session: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestDisablingAUserEndsTheirSession(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		agent := h.createUser("agent@example.com", "agent")
		b := h.browser()
		h.signIn(b, "agent@example.com")
		admin := h.browser()
		h.signIn(admin, "admin@example.com")
		resp := h.postForm(admin, "/admin/users/"+itoa(agent.ID), url.Values{"disabled": {"true"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d %s", resp.StatusCode, body(t, resp))
		}
		if resp := h.get(b, "/inbox"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
			t.Fatalf("disabled agent still signed in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "admin")
		b := h.browser()
		h.signIn(b, "ada@example.com")
		form := url.Values{"name": {"stolen"}, "current_password": {testPassword}}
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Origin", "https://evil.example"},
		} {
			resp := h.postForm(b, "/account/tokens", form, hdr...)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("%s: %s: %d, want 403", hdr[0], hdr[1], resp.StatusCode)
			}
		}
		if n := count(t, d, "api_tokens"); n != 0 {
			t.Fatalf("a refused cross-origin POST created %d tokens", n)
		}
		resp := h.postForm(b, "/account/tokens", form, "Sec-Fetch-Site", "same-origin")
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body(t, resp), "cdk_") {
			t.Fatalf("same-origin POST: %d", resp.StatusCode)
		}
	})
}

func TestTwoFactorSignIn(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ada := h.createUser("ada@example.com", "admin")
		ctx := context.Background()
		enrol, err := h.users.BeginTwoFactor(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Confirm with the previous step's code so the sign-in below can use
		// the current one (codes are single-use).
		prev, _ := totp.GenerateCode(enrol.Secret, time.Now().Add(-30*time.Second))
		if _, err := h.users.ConfirmTwoFactor(ctx, ada.ID, prev); err != nil {
			t.Fatal(err)
		}
		b := h.browser()
		resp := h.postForm(b, "/signin", url.Values{"email": {"ada@example.com"}, "password": {testPassword}, "next": {"/account"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin/two-factor") {
			t.Fatalf("password step: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := h.get(b, "/account"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("half signed-in user reached the account page: %d", resp.StatusCode)
		}
		resp = h.postForm(b, "/signin/two-factor", url.Values{"code": {"000000"}, "next": {"/account"}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong code: %d", resp.StatusCode)
		}
		code, _ := totp.GenerateCode(enrol.Secret, time.Now())
		resp = h.postForm(b, "/signin/two-factor", url.Values{"code": {code}, "next": {"/account"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
			t.Fatalf("right code: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := h.get(b, "/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("account after 2FA: %d", resp.StatusCode)
		}
	})
}

func TestRequiredTwoFactorSendsUsersToEnrol(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "admin")
		yes := true
		if _, err := settings.NewStore(d).Update(context.Background(), settings.Patch{Require2FA: &yes}); err != nil {
			t.Fatal(err)
		}
		b := h.browser()
		h.signIn(b, "ada@example.com")
		resp := h.get(b, "/admin/users")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/two-factor" {
			t.Fatalf("unenrolled user: %d to %q, want the enrolment page", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp = h.get(b, "/account/two-factor")
		page := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="totp-secret"`) {
			t.Fatalf("enrolment page: %d", resp.StatusCode)
		}
		secret := between(page, `<code id="totp-secret">`, `</code>`)
		code, _ := totp.GenerateCode(secret, time.Now())
		resp = h.postForm(b, "/account/two-factor/confirm", url.Values{"code": {code}})
		if page := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="recovery-codes"`) {
			t.Fatalf("confirm: %d\n%s", resp.StatusCode, page)
		}
		if resp := h.get(b, "/admin/users"); resp.StatusCode != http.StatusOK {
			t.Fatalf("enrolled user: %d", resp.StatusCode)
		}
	})
}

func TestAdminPagesRefuseAgents(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		h.createUser("agent@example.com", "agent")
		b := h.browser()
		h.signIn(b, "agent@example.com")
		for _, path := range []string{"/admin/users", "/admin/audit", "/admin/settings"} {
			if resp := h.get(b, path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("agent on %s: %d, want 403", path, resp.StatusCode)
			}
		}
		resp := h.postForm(b, "/admin/settings", url.Values{"require_2fa": {"on"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent changing settings: %d", resp.StatusCode)
		}
	})
}

func TestOpenRedirectIsRefused(t *testing.T) {
	h := newHarness(t, testutil.NewSQLite(t))
	h.createUser("ada@example.com", "admin")
	evil := []string{"//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example",
		"/\r\n/evil.example", " //evil.example", "/%2F/evil.example", "/.//evil.example"}
	for _, next := range evil {
		resp := h.postForm(h.browser(), "/signin", url.Values{"email": {"ada@example.com"}, "password": {testPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
	// Signed in already, the sign-in page sends on at once.
	b := h.browser()
	h.signIn(b, "ada@example.com")
	for _, next := range evil {
		resp := h.get(b, "/signin?next="+url.QueryEscape(next))
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("GET /signin?next=%q redirected to %q", next, loc)
		}
	}
	if loc := h.get(b, "/signin?next=%2F%09%2Fevil.example").Header.Get("Location"); loc != "/" {
		t.Errorf("the tab trick redirected to %q", loc)
	}
	if loc := h.get(b, "/signin?next=%2Finbox%3Fview%3Dmine").Header.Get("Location"); loc != "/inbox?view=mine" {
		t.Errorf("a path of ours redirected to %q", loc)
	}
}

func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAdminPagesWork(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		b := h.browser()
		h.signIn(b, "admin@example.com")
		resp := h.postForm(b, "/admin/users", url.Values{"name": {"Bea"}, "email": {"bea@example.com"}, "role": {"agent"}, "password": {"short"}})
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "password: must be at least 10 characters") || !strings.Contains(page, `value="bea@example.com"`) {
			t.Fatalf("bad new user: %d\n%s", resp.StatusCode, page)
		}
		resp = h.postForm(b, "/admin/users", url.Values{"name": {"Bea"}, "email": {"bea@example.com"}, "role": {"agent"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new user: %d %s", resp.StatusCode, body(t, resp))
		}
		if page := body(t, h.get(b, "/admin/users")); !strings.Contains(page, "bea@example.com") || !strings.Contains(page, "Bea can now sign in") {
			t.Fatalf("users page lacks the new user or the notice:\n%s", page)
		}
		page := body(t, h.get(b, "/admin/audit?action=user.created"))
		if !strings.Contains(page, "bea@example.com") || strings.Contains(page, "settings.updated") ||
			!strings.Contains(page, "created user Bea (") || strings.Contains(page, "map[") {
			t.Fatalf("filtered audit page:\n%s", page)
		}
		if resp := h.get(b, "/admin/audit?from=yesterday"); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(body(t, resp), "YYYY-MM-DD") {
			t.Fatalf("bad date filter: %d", resp.StatusCode)
		}
		today := time.Now().UTC().Format("2006-01-02")
		if page := body(t, h.get(b, "/admin/audit?to="+today+"&from="+today)); !strings.Contains(page, "created user Bea") {
			t.Fatalf("today's audit page lacks the new user:\n%s", page)
		}
		if resp := h.postForm(b, "/admin/settings", url.Values{"require_2fa": {"on"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save settings: %d", resp.StatusCode)
		}
		s, _ := settings.NewStore(d).Get(context.Background())
		if !s.Require2FA {
			t.Fatal("setting not saved")
		}
	})
}

func TestNotFoundPage(t *testing.T) {
	h := newHarness(t, testutil.NewSQLite(t))
	resp := h.get(http.DefaultClient, "/no/such/page")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body(t, resp), "Not found") {
		t.Fatalf("unknown page: %d", resp.StatusCode)
	}
}

// TestFormBackFieldsStayLocal checks the forms that return to the page
// they were posted from (their back field) through the same validator.
func TestFormBackFieldsStayLocal(t *testing.T) {
	h := newHarness(t, testutil.NewSQLite(t))
	h.createUser("ada@example.com", "admin")
	b := h.browser()
	h.signIn(b, "ada@example.com")
	for back, want := range map[string]string{
		"/\t/evil.example":  "/#review-badges",
		"//evil.example":    "/#review-badges",
		"/%2F/evil.example": "/#review-badges",
		"https://evil":      "/#review-badges",
		"/reviews/3":        "/reviews/3#review-badges",
	} {
		// An empty nomination is a mistake in the input: flashed, then back.
		resp := h.postForm(b, "/recognition/awards", url.Values{"back": {back}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != want {
			t.Errorf("back=%q: %d to %q, want %q", back, resp.StatusCode, loc, want)
		}
	}
}
