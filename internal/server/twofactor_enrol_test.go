package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// Enrolling in a browser: the QR code renders, reloading keeps the secret
// the app scanned, a wrong code shows as an error and keeps the secret, the
// right one turns two-factor on and shows the recovery codes once with a
// download, and the next sign-in asks for a code that then works.
func TestTwoFactorEnrolmentInABrowser(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "agent")
		b := h.browser()
		h.signIn(b, "ada@example.com")

		page := body(t, h.get(b, "/account/two-factor"))
		if !strings.Contains(page, `<img src="data:image/png;base64,`) || strings.Contains(page, "ZgotmplZ") {
			t.Fatalf("the QR code does not render:\n%s", page)
		}
		secret := between(page, `<code id="totp-secret">`, `</code>`)
		if again := between(body(t, h.get(b, "/account/two-factor")), `<code id="totp-secret">`, `</code>`); secret == "" || again != secret {
			t.Fatalf("reloading changed the secret from %q to %q", secret, again)
		}

		resp := h.postForm(b, "/account/two-factor/confirm", url.Values{"code": {"000000"}})
		page = body(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<p class="error" role="alert">That code did not work`) ||
			strings.Contains(page, `class="flash"`) {
			t.Fatalf("wrong code: %d, want 400 with an error\n%s", resp.StatusCode, page)
		}
		if kept := between(page, `<code id="totp-secret">`, `</code>`); kept != secret {
			t.Fatalf("a wrong code changed the secret from %q to %q", secret, kept)
		}

		now := time.Now()
		code, _ := totp.GenerateCode(secret, now)
		resp = h.postForm(b, "/account/two-factor/confirm", url.Values{"code": {code}})
		page = body(t, resp)
		if resp.StatusCode != http.StatusOK || strings.Count(page, "<li><code>") != 10 ||
			!strings.Contains(page, `id="recovery-download" href="data:text/plain;charset=utf-8,`) {
			t.Fatalf("right code: %d, want the recovery codes and their download\n%s", resp.StatusCode, page)
		}

		h.postForm(b, "/signout", nil)
		resp = h.postForm(b, "/signin", url.Values{"email": {"ada@example.com"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin/two-factor") {
			t.Fatalf("password step: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		next, _ := totp.GenerateCode(secret, now.Add(30*time.Second)) // the confirming code is spent
		resp = h.postForm(b, "/signin/two-factor", url.Values{"code": {next}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("code step: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := h.get(b, "/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("account after signing in with two factors: %d", resp.StatusCode)
		}
	})
}

// Cancelling a pending enrolment drops its secret: the next one is new.
func TestCancelledEnrolmentStartsAfresh(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("ada@example.com", "agent")
		b := h.browser()
		h.signIn(b, "ada@example.com")
		first := between(body(t, h.get(b, "/account/two-factor")), `<code id="totp-secret">`, `</code>`)
		if resp := h.postForm(b, "/account/two-factor/cancel", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", resp.StatusCode)
		}
		second := between(body(t, h.get(b, "/account/two-factor")), `<code id="totp-secret">`, `</code>`)
		if first == "" || second == "" || first == second {
			t.Fatalf("secrets %q then %q, want a new one after cancelling", first, second)
		}
	})
}
