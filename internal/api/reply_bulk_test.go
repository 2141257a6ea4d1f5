package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// The API reaches the same reply operation as the ticket page: a message
// with its macro's actions and "send and set status", all or nothing.
func TestReplyWithMacroAndStatusOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		tk := newTicketHTTP(c, 1)
		var m macro.Macro
		c.want(c.do("POST", "/api/v1/macros", `{"name": "Refund done", "body": "Refunded.",
			"actions": {"priority": "high", "add_tags": ["refunded"], "assign_to_me": true}}`, ""), http.StatusCreated, &m)
		path := "/api/v1/tickets/" + itoa(tk.ID)

		messages, events := c.count("messages"), c.count("events")
		for _, bad := range []struct{ body, field string }{
			{`{"body": "Hi", "then_status": "closed"}`, "then_status"},
			{`{"body": "Hi", "macro_id": 999999}`, "macro_id"},
			{`{"body": "", "macro_id": ` + itoa(m.ID) + `, "then_status": "solved"}`, "body"},
		} {
			rec := c.do("POST", path+"/messages", bad.body, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+bad.field+`"`) {
				t.Errorf("%s: %d %s", bad.body, rec.Code, rec.Body)
			}
		}
		if c.count("messages") != messages || c.count("events") != events {
			t.Fatal("a refused reply wrote something")
		}

		c.want(c.do("POST", path+"/messages", `{"body": "Refunded.", "macro_id": `+itoa(m.ID)+`, "then_status": "solved"}`, ""),
			http.StatusCreated, nil)
		var got ticket.Ticket
		c.want(c.do("GET", path, "", ""), http.StatusOK, &got)
		if got.Status != "solved" || got.Priority != "high" || !slices.Contains(got.Tags, "refunded") ||
			!slices.Contains(got.Tags, "billing") || got.AssigneeID == nil || *got.AssigneeID != c.myID() {
			t.Fatalf("after the reply: %+v", got)
		}

		// skip_macro_actions sends the message alone.
		other := newTicketHTTP(c, 1)
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(other.ID)+"/messages",
			`{"body": "Refunded.", "macro_id": `+itoa(m.ID)+`, "skip_macro_actions": true}`, ""), http.StatusCreated, nil)
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(other.ID), "", ""), http.StatusOK, &got)
		if got.Priority == "high" || slices.Contains(got.Tags, "refunded") {
			t.Fatalf("actions applied though skipped: %+v", got)
		}
	})
}

func TestBulkOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		a, b, closed := newTicketHTTP(c, 1), newTicketHTTP(c, 1), newTicketHTTP(c, 1)
		c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(closed.ID), `{"status": "closed"}`, ""), http.StatusOK, nil)
		c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(b.ID), `{"priority": "urgent"}`, ""), http.StatusOK, nil)

		var res struct{ Items []ticket.BulkResult }
		c.want(c.do("POST", "/api/v1/tickets/bulk", `{"ids": [`+itoa(a.ID)+`, `+itoa(b.ID)+`, `+itoa(closed.ID)+`, 999999],
			"patch": {"status": "pending", "add_tags": ["vip"]}}`, ""), http.StatusOK, &res)
		want := []string{ticket.BulkChanged, ticket.BulkChanged, ticket.BulkRefused, ticket.BulkRefused}
		if len(res.Items) != 4 {
			t.Fatalf("results %+v", res.Items)
		}
		for i, r := range res.Items {
			if r.Result != want[i] {
				t.Errorf("result %d: %+v, want %s", i, r, want[i])
			}
		}
		if res.Items[3].Reason != "ticket not found" || res.Items[2].Reason == "" {
			t.Errorf("reasons %+v", res.Items)
		}
		// The same change again changes nothing.
		c.want(c.do("POST", "/api/v1/tickets/bulk", `{"ids": [`+itoa(a.ID)+`], "patch": {"status": "pending"}}`, ""), http.StatusOK, &res)
		if res.Items[0].Result != ticket.BulkUnchanged {
			t.Errorf("repeat: %+v", res.Items)
		}

		// Merging: every other ticket moves into the target.
		c.want(c.do("POST", "/api/v1/tickets/bulk", `{"ids": [`+itoa(a.ID)+`, `+itoa(b.ID)+`], "merge_into": `+itoa(b.ID)+`}`, ""), http.StatusOK, &res)
		if res.Items[0].Result != ticket.BulkChanged || res.Items[1].Result != ticket.BulkUnchanged {
			t.Fatalf("merge: %+v", res.Items)
		}
		var src ticket.Ticket
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(a.ID), "", ""), http.StatusOK, &src)
		if src.Status != "closed" {
			t.Fatalf("merged source %+v", src)
		}

		tickets, events := c.count("tickets"), c.count("events")
		many := strings.Repeat(itoa(a.ID)+",", ticket.MaxBulk) + itoa(a.ID)
		for _, bad := range []struct{ body, field string }{
			{`{"ids": [], "patch": {"priority": "low"}}`, "ids"},
			{`{"ids": [` + many + `], "patch": {"priority": "low"}}`, "ids"},
			{`{"ids": [-1], "patch": {"priority": "low"}}`, "ids"},
			{`{"ids": [` + itoa(b.ID) + `]}`, "patch"},
			{`{"ids": [` + itoa(b.ID) + `], "patch": {"priority": "low"}, "merge_into": 1}`, "merge_into"},
		} {
			rec := c.do("POST", "/api/v1/tickets/bulk", bad.body, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+bad.field+`"`) {
				t.Errorf("%.60s: %d %s", bad.body, rec.Code, rec.Body)
			}
		}
		if c.count("tickets") != tickets || c.count("events") != events {
			t.Fatal("a refused bulk change wrote something")
		}
	})
}
