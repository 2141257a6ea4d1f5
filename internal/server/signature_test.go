package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestSignatureThroughTheAPIAndTheAccountPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		agent := h.createUser("agent@example.com", "agent")
		tok := h.token(agent)

		resp, out := h.api("PATCH", "/api/v1/me", tok, `{"signature": "  Ada\r\nSupport <team>  "}`)
		if resp.StatusCode != http.StatusOK || out["signature"] != "Ada\nSupport <team>" {
			t.Fatalf("PATCH /me: %d %v", resp.StatusCode, out)
		}
		if _, out := h.api("GET", "/api/v1/me", tok, ""); out["signature"] != "Ada\nSupport <team>" {
			t.Errorf("GET /me after PATCH: %v", out)
		}
		resp, out = h.api("PATCH", "/api/v1/me", tok, `{"signature": "`+strings.Repeat("x", 1001)+`"}`)
		if resp.StatusCode != http.StatusBadRequest || errorOf(t, out)["field"] != "signature" {
			t.Errorf("too long: %d %v", resp.StatusCode, out)
		}
		// Leaving it out changes nothing; the field is the only one.
		if _, out := h.api("PATCH", "/api/v1/me", tok, `{}`); out["signature"] != "Ada\nSupport <team>" {
			t.Errorf("empty patch: %v", out)
		}

		c := h.browser()
		h.signIn(c, "agent@example.com")
		page := body(t, h.get(c, "/account"))
		if !strings.Contains(page, "Support &lt;team&gt;</textarea>") {
			t.Errorf("the account page does not show the signature:\n%s", page)
		}
		if resp := h.postForm(c, "/account/signature", url.Values{"signature": {"Ada Lovelace"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save signature: %d", resp.StatusCode)
		}
		if _, out := h.api("GET", "/api/v1/me", tok, ""); out["signature"] != "Ada Lovelace" {
			t.Errorf("after the form: %v", out)
		}
		resp = h.postForm(c, "/account/signature", url.Values{"signature": {strings.Repeat("y", 1001)}})
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "longer than 1000") {
			t.Errorf("too long in the form: %d", resp.StatusCode)
		}
	})
}
