package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// enrol turns two-factor sign-in on for u and returns its recovery codes,
// which the tests use as second factors: they do not depend on the clock.
func (h *harness) enrol(u *user.User) []string {
	h.t.Helper()
	ctx := context.Background()
	e, err := h.users.BeginTwoFactor(ctx, u.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	code, _ := totp.GenerateCode(e.Secret, time.Now())
	codes, err := h.users.ConfirmTwoFactor(ctx, u.ID, code)
	if err != nil {
		h.t.Fatal(err)
	}
	return codes
}

// signInWithCode signs in with the password and then code.
func (h *harness) signInWithCode(c *http.Client, email, code string) {
	h.t.Helper()
	resp := h.postForm(c, "/signin", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin/two-factor") {
		h.t.Fatalf("password step for %s: %d to %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = h.postForm(c, "/signin/two-factor", url.Values{"code": {code}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		h.t.Fatalf("code step for %s: %d to %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
}

func (h *harness) twoFactorOn(id int64) bool {
	h.t.Helper()
	u, err := h.users.Get(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return u.TOTPEnabled
}

// A stolen session cookie is not enough to turn two-factor sign-in off,
// change the password or email address, or make an API token: each form
// asks for the password and a code again, says which is missing, and
// changes nothing without them.
func TestStolenSessionCannotDisableTwoFactor(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ada := h.createUser("ada@example.com", "agent")
		codes := h.enrol(ada)
		b := h.browser()
		h.signInWithCode(b, "ada@example.com", codes[0])
		page := body(t, h.get(b, "/account"))
		for _, field := range []string{`id="disable-current-password"`, `id="disable-code"`, `id="token-code"`, `id="password-code"`, `id="email-code"`} {
			if !strings.Contains(page, field) {
				t.Fatalf("the account page lacks %s", field)
			}
		}

		// Whoever holds the cookie (b) tries without the password, then
		// with a phished password but no code.
		refused := func(path string, form url.Values, field string) {
			t.Helper()
			resp := h.postForm(b, path, form)
			page := body(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `class="error"`) || !strings.Contains(page, field+": ") {
				t.Fatalf("%s %v: %d, want 400 naming %s\n%s", path, form, resp.StatusCode, field, page)
			}
		}
		refused("/account/two-factor/disable", url.Values{}, "current_password")
		refused("/account/two-factor/disable", url.Values{"current_password": {"a guess, wrong"}, "code": {codes[1]}}, "current_password")
		refused("/account/two-factor/disable", url.Values{"current_password": {testPassword}}, "code")
		refused("/account/two-factor/disable", url.Values{"current_password": {testPassword}, "code": {"00000-00000"}}, "code")
		refused("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"taken over now"}, "confirm_password": {"taken over now"}}, "code")
		refused("/account/email", url.Values{"current_password": {testPassword}, "email": {"thief@example.com"}}, "code")
		refused("/account/tokens", url.Values{"name": {"exfiltrate"}}, "current_password")
		refused("/account/tokens", url.Values{"name": {"exfiltrate"}, "current_password": {testPassword}}, "code")
		if !h.twoFactorOn(ada.ID) {
			t.Fatal("two-factor sign-in was turned off with a stolen session")
		}
		if n := count(t, d, "api_tokens"); n != 0 {
			t.Fatalf("a stolen session made %d tokens", n)
		}
		if u, _ := h.users.Get(context.Background(), ada.ID); u.Email != "ada@example.com" {
			t.Fatalf("a stolen session changed the email address to %s", u.Email)
		}
		if resp := h.get(b, "/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("the session ended after refused attempts: %d", resp.StatusCode)
		}

		// The owner, with password and code, can.
		resp := h.postForm(b, "/account/tokens", url.Values{"name": {"CRM"}, "current_password": {testPassword}, "code": {codes[1]}})
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body(t, resp), `id="new-token"`) {
			t.Fatalf("token with password and code: %d", resp.StatusCode)
		}
		resp = h.postForm(b, "/account/two-factor/disable", url.Values{"current_password": {testPassword}, "code": {codes[2]}})
		if resp.StatusCode != http.StatusSeeOther || h.twoFactorOn(ada.ID) {
			t.Fatalf("disable with password and code: %d, still on: %v", resp.StatusCode, h.twoFactorOn(ada.ID))
		}
	})
}

// Wrong passwords given on the account page count toward the sign-in
// throttle, so a stolen session cannot guess the password there.
func TestAccountFormsCountTowardTheSignInThrottle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "agent")
		b := h.browser()
		h.signIn(b, "ada@example.com")
		for range 5 {
			resp := h.postForm(b, "/account/tokens", url.Values{"name": {"x"}, "current_password": {"a guess, wrong"}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("wrong password: %d", resp.StatusCode)
			}
		}
		resp := h.postForm(b, "/account/tokens", url.Values{"name": {"x"}, "current_password": {testPassword}})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("after 5 wrong passwords: %d, want 429", resp.StatusCode)
		}
		if n := count(t, d, "api_tokens"); n != 0 {
			t.Fatalf("%d tokens made", n)
		}
	})
}

// A password change ends the user's other sessions, which are found by
// their stored hash; the cookie's token itself is stored nowhere.
func TestSessionsAreStoredHashedAndEndOnPasswordChange(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "agent")
		laptop, phone := h.browser(), h.browser()
		h.signIn(laptop, "ada@example.com")
		h.signIn(phone, "ada@example.com")
		var token string
		for _, c := range laptop.Jar.Cookies(mustURL(t, h.url)) {
			if c.Name == "centerdesk_session" {
				token = c.Value
			}
		}
		sum := sha256.Sum256([]byte(token))
		var byHash, byToken int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, hex.EncodeToString(sum[:])).Scan(&byHash); err != nil {
			t.Fatal(err)
		}
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, token).Scan(&byToken); err != nil {
			t.Fatal(err)
		}
		if token == "" || byHash != 1 || byToken != 0 {
			t.Fatalf("session cookie %q: %d rows by its hash, %d by itself; want 1 and 0", token, byHash, byToken)
		}

		resp := h.postForm(laptop, "/account/password", url.Values{"current_password": {testPassword},
			"new_password": {"another long password"}, "confirm_password": {"another long password"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("password change: %d %s", resp.StatusCode, body(t, resp))
		}
		if resp := h.get(laptop, "/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("the session that changed the password: %d", resp.StatusCode)
		}
		if resp := h.get(phone, "/account"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("another session after the password change: %d, want sent to sign in", resp.StatusCode)
		}
	})
}

// Creating a token through the API asks for the password, and the code
// when two-factor sign-in is on; the errors name the field.
func TestAPITokenCreationRequiresReauthentication(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ada := h.createUser("ada@example.com", "agent")
		tok := h.token(ada)
		wantField := func(body, field string) {
			t.Helper()
			resp, out := h.api("POST", "/api/v1/tokens", tok, body)
			if e := errorOf(t, out); resp.StatusCode != http.StatusBadRequest || e["code"] != "invalid" || e["field"] != field {
				t.Fatalf("%s: %d %v, want invalid %s", body, resp.StatusCode, out, field)
			}
		}
		wantField(`{"name": "more"}`, "current_password")
		wantField(`{"name": "more", "current_password": "a guess, wrong"}`, "current_password")
		codes := h.enrol(ada)
		wantField(`{"name": "more", "current_password": "`+testPassword+`"}`, "code")
		wantField(`{"name": "more", "current_password": "`+testPassword+`", "code": "00000-00000"}`, "code")
		if n := count(t, d, "api_tokens"); n != 1 {
			t.Fatalf("%d tokens after refused requests, want 1", n)
		}
		resp, out := h.api("POST", "/api/v1/tokens", tok, `{"name": "more", "current_password": "`+testPassword+`", "code": "`+codes[0]+`"}`)
		if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(out["token"].(string), "cdk_") {
			t.Fatalf("with password and code: %d %v", resp.StatusCode, out)
		}
	})
}

// When the desk requires two-factor sign-in, an unenrolled user's tokens
// are refused with a 403 that says how to fix it, from the moment the
// setting changes, and work again once the requirement is lifted.
func TestRequiredTwoFactorRefusesUnenrolledTokens(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		h.enrol(admin)
		adminToken := h.token(admin)
		agentToken := h.token(h.createUser("agent@example.com", "agent"))
		if resp, _ := h.api("GET", "/api/v1/me", agentToken, ""); resp.StatusCode != http.StatusOK { // now cached
			t.Fatalf("agent before: %d", resp.StatusCode)
		}
		if resp, out := h.api("PATCH", "/api/v1/settings", adminToken, `{"require_2fa": true}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("require 2FA: %d %v", resp.StatusCode, out)
		}
		for _, call := range [][2]string{{"GET", "/api/v1/me"}, {"POST", "/api/v1/tokens"}} {
			resp, out := h.api(call[0], call[1], agentToken, `{"name": "n", "current_password": "`+testPassword+`"}`)
			msg, _ := errorOf(t, out)["message"].(string)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(msg, "two-factor") || !strings.Contains(msg, "/account/two-factor") {
				t.Fatalf("%s %s by an unenrolled agent: %d %v, want 403 saying to enrol", call[0], call[1], resp.StatusCode, out)
			}
		}
		if resp, _ := h.api("GET", "/api/v1/me", adminToken, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("enrolled admin: %d", resp.StatusCode)
		}
		if resp, _ := h.api("PATCH", "/api/v1/settings", adminToken, `{"require_2fa": false}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("lift the requirement: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/me", agentToken, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("agent after the requirement is lifted: %d", resp.StatusCode)
		}
	})
}

// Unknown, revoked and disabled-owner tokens get the same answer; an
// address that keeps failing is answered 429 with Retry-After, even with a
// good token, until its lock ends.
func TestBadTokensAnswerAlikeAndAreThrottled(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ctx := context.Background()
		admin := h.createUser("admin@example.com", "admin")
		good := h.token(admin)
		agent := h.createUser("agent@example.com", "agent")
		ofDisabled := h.token(agent)
		revoked := h.token(agent)
		var id int64
		if err := d.Read().QueryRow(`SELECT MAX(id) FROM api_tokens`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if resp, _ := h.api("DELETE", "/api/v1/tokens/"+itoa(id), good, ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := h.api("PATCH", "/api/v1/users/"+itoa(agent.ID), good, `{"disabled": true}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("disable: %d", resp.StatusCode)
		}
		var first string
		for i, secretText := range []string{"cdk_" + strings.Repeat("a", 26), revoked, ofDisabled, "nonsense"} {
			resp := h.do(http.DefaultClient, bearer(t, h.url+"/api/v1/me", secretText))
			answer := strconv.Itoa(resp.StatusCode) + " " + resp.Header.Get("WWW-Authenticate") + " " + body(t, resp)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("bad token %d: %s", i, answer)
			}
			answer = withoutRequestID(answer)
			if first == "" {
				first = answer
			} else if answer != first {
				t.Fatalf("bad token %d answered\n%s\nbad token 0\n%s", i, answer, first)
			}
		}
		_ = ctx
		for range 16 {
			h.api("GET", "/api/v1/me", revoked, "")
		}
		resp, out := h.api("GET", "/api/v1/me", good, "")
		retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusTooManyRequests || errorOf(t, out)["code"] != "too_many_requests" || retry <= 0 || retry > 15*60+1 {
			t.Fatalf("good token from a locked address: %d Retry-After %q %v", resp.StatusCode, resp.Header.Get("Retry-After"), out)
		}
	})
}

func bearer(t *testing.T, u, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// withoutRequestID drops a request id, which differs on every answer.
func withoutRequestID(s string) string {
	if i := strings.Index(s, `"request_id"`); i >= 0 {
		return s[:i]
	}
	return s
}
