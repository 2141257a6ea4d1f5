package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestSearchOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var first, second ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &first)
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Delivery", "requester": {"email": "bo@example.com"},
			"body": "Where is my refund?"}`, ""), http.StatusCreated, &second)
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(second.ID)+"/messages",
			`{"body": "Agents only: refund <b>approved</b>", "kind": "note"}`, ""), http.StatusCreated, nil)

		var res search.Results
		get := func(path string) {
			t.Helper()
			res = search.Results{} // a page without a cursor must not keep the last one's
			c.want(c.do("GET", path, "", ""), http.StatusOK, &res)
		}
		get("/api/v1/search?q=refund")
		if len(res.Items) != 2 || res.Items[0].Ticket.ID != first.ID || res.Items[1].Ticket.ID != second.ID {
			t.Fatalf("hits %+v", res.Items)
		}
		h := res.Items[1]
		if h.MessageID == nil || !strings.Contains(h.Snippet, "<mark>refund</mark>") || strings.Contains(h.Snippet, "<b>") ||
			h.Ticket.Requester.Email != "bo@example.com" {
			t.Fatalf("note hit %+v", h)
		}

		get("/api/v1/search?q=refund&requester=" + itoa(second.RequesterID))
		if len(res.Items) != 1 || res.Items[0].Ticket.ID != second.ID {
			t.Fatalf("filtered hits %+v", res.Items)
		}
		get("/api/v1/search?q=refund&limit=1")
		if len(res.Items) != 1 || res.NextCursor == "" {
			t.Fatalf("first page %+v", res)
		}
		get("/api/v1/search?q=refund&limit=1&cursor=" + res.NextCursor)
		if len(res.Items) != 1 || res.Items[0].Ticket.ID != second.ID || res.NextCursor != "" {
			t.Fatalf("second page %+v", res)
		}
		get("/api/v1/search?q=%23" + itoa(second.Number))
		if len(res.Items) == 0 || res.Items[0].Ticket.ID != second.ID || res.Items[0].Matched[0] != "number" {
			t.Fatalf("number hits %+v", res.Items)
		}

		for _, q := range []string{`"`, `(`, `NEAR(a b)`, `*`, `-`, `refund OR`, `a:b`, `🙂`,
			strings.Repeat(`"x" `, 2000)} {
			get("/api/v1/search?q=" + url.QueryEscape(q))
		}
	})
}

func TestSearchBadInputOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		for path, field := range map[string]string{
			"/api/v1/search":                     "q",
			"/api/v1/search?q=+++":               "q",
			"/api/v1/search?q=x&status=bogus":    "status",
			"/api/v1/search?q=x&assignee=abc":    "assignee",
			"/api/v1/search?q=x&cursor=bogus":    "cursor",
			"/api/v1/search?q=x&limit=-1":        "limit",
			"/api/v1/search?q=%00":               "q",
			"/api/v1/search?q=%FF":               "q",
			"/api/v1/search?q=x&field.nope=1":    "field.nope",
			"/api/v1/search?q=x&updated_since=x": "updated_since",
		} {
			var e httpx.ErrorBody
			c.want(c.do("GET", path, "", ""), http.StatusBadRequest, &e)
			if e.Error.Field != field {
				t.Errorf("%s: field %q, want %q", path, e.Error.Field, field)
			}
		}
		r := c.do("GET", "/api/v1/search?q=x", "", "")
		c.token = "wrong"
		c.want(c.do("GET", "/api/v1/search?q=x", "", ""), http.StatusUnauthorized, nil)
		if r.Code != http.StatusOK {
			t.Fatalf("with a token: %d", r.Code)
		}
	})
}
