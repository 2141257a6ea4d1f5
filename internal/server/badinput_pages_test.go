package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// pageTables are the tables a refused form or query must leave as they were.
var pageTables = []string{"users", "api_tokens", "audit_log", "sign_in_throttle", "teams", "views", "macros",
	"tickets", "messages", "customers", "customer_identities", "portal_signin_tokens", "attachments", "events",
	"outbox", "jobs"}

// TestBadInputToPagesChangesNothing sends forms and query parameters
// holding text no column can hold (NUL, invalid UTF-8) and names that show
// nothing, to the agents' pages and the portal: each is refused with a 4xx
// page (400, naming the field, for NUL and invalid UTF-8), never a 5xx,
// and nothing is written.
func TestBadInputToPagesChangesNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		admin := p.createUser("admin@desk.test", "admin")
		b := p.browser()
		p.signIn(b, admin.Email)
		resp, out := p.api("POST", "/api/v1/tickets", p.token(admin),
			`{"subject": "Refund", "body": "Please", "requester": {"email": "ann@example.com", "name": "Ann"}}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create ticket: %d %v", resp.StatusCode, out)
		}
		ticketPath := "/tickets/" + strconv.FormatInt(int64(out["id"].(float64)), 10)
		customer := p.signInCustomer("ann@example.com")
		anon := p.browser()

		form := func(kv ...string) url.Values {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Add(kv[i], kv[i+1])
			}
			return v
		}
		cases := []struct {
			name   string
			client *http.Client
			method string // GET (query), POST (urlencoded), MULTIPART
			path   string
			form   url.Values
			field  string // "" when any 4xx will do (a domain's own refusal)
		}{
			{"NUL in sign-in email", anon, "POST", "/signin", form("email", "admin@desk.test\x00", "password", testPassword), "email"},
			{"invalid UTF-8 in sign-in password", anon, "POST", "/signin", form("email", "admin@desk.test", "password", "\xff"), "password"},
			{"NUL in portal sign-in email", anon, "POST", "/portal/signin", form("email", "ann\x00@example.com"), "email"},
			{"NUL in a user's name", b, "POST", "/admin/users", form("email", "new@desk.test", "name", "N\x00", "role", "agent", "password", testPassword), "name"},
			{"invisible user name", b, "POST", "/admin/users", form("email", "new@desk.test", "name", "\u200b\u200d", "role", "agent", "password", testPassword), ""},
			{"NUL in a team name", b, "POST", "/admin/teams", form("name", "Billing\x00"), "name"},
			{"invisible team name", b, "POST", "/admin/teams", form("name", "\ufeff\u2060"), ""},
			{"invalid UTF-8 in a view name", b, "POST", "/views/new", form("name", "Mine\xc3"), "name"},
			{"invisible view name", b, "POST", "/views/new", form("name", "\u200e\u200f"), ""},
			{"NUL in a macro body", b, "POST", "/admin/macros", form("name", "Hi", "body", "Hello\x00"), "body"},
			{"invisible macro name", b, "POST", "/admin/macros", form("name", "\u00ad", "body", "Hello"), ""},
			{"NUL in a token name", b, "POST", "/account/tokens", form("name", "ci\x00"), "name"},
			{"NUL in a field name", b, "POST", "/admin/teams", form("na\x00me", "Billing"), ""},
			{"NUL in a reply", b, "POST", ticketPath + "/messages", form("body", "Hi\x00", "kind", "reply"), "body"},
			{"NUL in a multipart reply", b, "MULTIPART", ticketPath + "/messages", form("body", "Hi\x00", "kind", "reply"), "body"},
			{"invalid UTF-8 in ticket properties", b, "POST", ticketPath + "/properties", form("tags", "caf\xe9"), "tags"},

			{"NUL in a search", b, "GET", "/search", form("q", "refund\x00"), "q"},
			{"invalid UTF-8 in a search", b, "GET", "/search", form("q", "\xff"), "q"},
			{"NUL in the inbox view", b, "GET", "/inbox", form("view", "\x00"), "view"},
			{"NUL in the inbox cursor", b, "GET", "/inbox/rows", form("cursor", "a\x00"), "cursor"},
			{"NUL in the audit filter", b, "GET", "/admin/audit", form("action", "\x00"), "action"},
			{"NUL in the tag prefix", b, "GET", "/admin/tags", form("prefix", "\x00"), "prefix"},
			{"NUL in the sign-in next", anon, "GET", "/signin", form("next", "/\x00"), "next"},

			{"NUL in a portal request subject", customer, "MULTIPART", "/portal/tickets", form("subject", "Help\x00", "description", "x"), "subject"},
			{"invalid UTF-8 in a portal request", customer, "MULTIPART", "/portal/tickets", form("subject", "Help", "description", "\xc3("), "description"},
			{"invisible portal subject", customer, "MULTIPART", "/portal/tickets", form("subject", "\u200b", "description", "x"), ""},
			{"NUL in a portal query", customer, "GET", "/portal", form("cursor", "\x00"), "cursor"},
		}
		before := map[string]int{}
		for _, tb := range pageTables {
			before[tb] = count(t, d, tb)
		}
		for _, tc := range cases {
			var resp *http.Response
			switch tc.method {
			case "GET":
				resp = p.get(tc.client, tc.path+"?"+tc.form.Encode())
			case "POST":
				resp = p.postForm(tc.client, tc.path, tc.form)
			case "MULTIPART":
				resp = postMultipartForm(t, p, tc.client, tc.path, tc.form)
			}
			page := body(t, resp)
			switch {
			case resp.StatusCode >= 500 || resp.StatusCode < 400:
				t.Errorf("%s: status %d, want 4xx\n%.300s", tc.name, resp.StatusCode, page)
			case tc.field != "" && resp.StatusCode != http.StatusBadRequest:
				t.Errorf("%s: status %d, want 400", tc.name, resp.StatusCode)
			case tc.field != "" && !strings.Contains(page, tc.field+" "):
				t.Errorf("%s: the page does not name %q:\n%s", tc.name, tc.field, page)
			}
		}
		for _, tb := range pageTables {
			if n := count(t, d, tb); n != before[tb] {
				t.Errorf("bad input changed %s: %d rows, was %d", tb, n, before[tb])
			}
		}
	})
}

// postMultipartForm posts form as multipart/form-data, as a page with a
// file input does.
func postMultipartForm(t *testing.T, p *portalDesk, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, p.url+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return p.do(c, req)
}
