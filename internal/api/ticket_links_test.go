package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// newTicketHTTP creates a ticket with n messages and returns it.
func newTicketHTTP(c *client, n int) ticket.Ticket {
	c.t.Helper()
	var tk ticket.Ticket
	c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
	for range n - 1 {
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(tk.ID)+"/messages", `{"body": "More."}`, ""), http.StatusCreated, nil)
	}
	return tk
}

func TestMergeSplitLinkOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		a, b := newTicketHTTP(c, 2), newTicketHTTP(c, 3)
		messages := c.count("messages")

		var m ticket.Merged
		rec := c.do("POST", "/api/v1/tickets/"+itoa(a.ID)+"/merge", `{"into": `+itoa(b.ID)+`}`, "merge-1")
		c.want(rec, http.StatusOK, &m)
		if m.Source.Status != "closed" || m.Target.ID != b.ID || len(m.MessageIDs) != 2 {
			t.Fatalf("merged %+v", m)
		}
		// A retry with the same key gets the same answer and merges nothing.
		again := c.do("POST", "/api/v1/tickets/"+itoa(a.ID)+"/merge", `{"into": `+itoa(b.ID)+`}`, "merge-1")
		if again.Code != http.StatusOK || again.Body.String() != rec.Body.String() {
			t.Fatalf("retry: %d %s", again.Code, again.Body)
		}
		var msgs struct{ Items []ticket.Message }
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(b.ID)+"/messages", "", ""), http.StatusOK, &msgs)
		if len(msgs.Items) != 5 || c.count("messages") != messages {
			t.Fatalf("%d messages on the target", len(msgs.Items))
		}

		var nt ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(b.ID)+"/split",
			`{"message_id": `+itoa(msgs.Items[4].ID)+`, "subject": "Another matter"}`, ""), http.StatusCreated, &nt)
		if nt.Subject != "Another matter" || nt.RequesterID != b.RequesterID {
			t.Fatalf("split %+v", nt)
		}
		var l ticketlink.Link
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(nt.ID)+"/links", `{"type": "parent", "ticket_id": `+itoa(b.ID)+`}`, ""),
			http.StatusCreated, &l)
		if l.Type != "parent" || l.TicketID != b.ID {
			t.Fatalf("link %+v", l)
		}
		var links struct{ Items []ticketlink.Link }
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(b.ID)+"/links", "", ""), http.StatusOK, &links)
		types := []string{}
		for _, x := range links.Items {
			types = append(types, x.Type)
		}
		if strings.Join(types, ",") != "merged_from,split_into,child" {
			t.Fatalf("b's links %v", types)
		}
		c.want(c.do("DELETE", "/api/v1/tickets/"+itoa(b.ID)+"/links/"+itoa(l.ID), "", ""), http.StatusNoContent, nil)
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(nt.ID)+"/links", "", ""), http.StatusOK, &links)
		if len(links.Items) != 1 || links.Items[0].Type != "split_from" {
			t.Fatalf("after unlinking %+v", links)
		}
	})
}

// fieldsTables are the tables a bad request to this part of the API must
// leave as they were.
var fieldsTables = []string{"tickets", "messages", "events", "outbox", "customers", "custom_fields",
	"custom_statuses", "ticket_field_values", "ticket_links", "audit_log", "idempotency_keys"}

func TestFieldsAndLinksBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		defineFieldsHTTP(c)
		c.want(c.do("POST", "/api/v1/custom-fields", `{"key": "cause", "label": "Cause", "type": "text", "required_on_solve": true}`, ""),
			http.StatusCreated, nil)
		c.want(c.do("POST", "/api/v1/custom-statuses", `{"key": "waiting", "label": "Waiting", "category": "pending"}`, ""),
			http.StatusCreated, nil)
		single, a, b := newTicketHTTP(c, 1), newTicketHTTP(c, 2), newTicketHTTP(c, 2)
		closed := newTicketHTTP(c, 1)
		c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(closed.ID), `{"status": "closed", "custom_fields": {"cause": "x"}}`, ""), http.StatusOK, nil)
		var msgs, only struct{ Items []ticket.Message }
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(a.ID)+"/messages", "", ""), http.StatusOK, &msgs)
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(single.ID)+"/messages", "", ""), http.StatusOK, &only)
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(a.ID)+"/links", `{"type": "related", "ticket_id": `+itoa(b.ID)+`}`, ""), http.StatusCreated, nil)
		pa, pb := "/api/v1/tickets/"+itoa(a.ID), "/api/v1/tickets/"+itoa(b.ID)
		create := func(fields string) string {
			return `{"subject": "a", "body": "b", "requester": {"email": "new@example.com"}, "custom_fields": ` + fields + `}`
		}
		cases := []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"unknown field on create", "POST", "/api/v1/tickets", create(`{"colour": "red"}`), 422, "custom_fields.colour"},
			{"number as string", "POST", "/api/v1/tickets", create(`{"amount": "9"}`), 400, "custom_fields.amount"},
			{"bad date", "POST", "/api/v1/tickets", create(`{"due": "2024-13-01"}`), 400, "custom_fields.due"},
			{"unknown option", "POST", "/api/v1/tickets", create(`{"plan": "gold"}`), 400, "custom_fields.plan"},
			{"checkbox as string", "PATCH", pa, `{"custom_fields": {"vip": "yes"}}`, 400, "custom_fields.vip"},
			{"over-long text", "PATCH", pa, `{"custom_fields": {"note": "` + strings.Repeat("x", 4001) + `"}}`, 400, "custom_fields.note"},
			{"fields not an object", "PATCH", pa, `{"custom_fields": ["note"]}`, 400, "custom_fields"},
			{"solve without required field", "PATCH", pa, `{"status": "solved"}`, 422, "custom_fields.cause"},
			{"unknown status", "PATCH", pa, `{"status": "stuck"}`, 400, "status"},
			{"reopen closed", "PATCH", "/api/v1/tickets/" + itoa(closed.ID), `{"status": "waiting"}`, 422, "status"},
			{"unknown field filter", "GET", "/api/v1/tickets?field.colour=red", ``, 400, "field.colour"},
			{"bad number filter", "GET", "/api/v1/tickets?field.amount=lots", ``, 400, "field.amount"},

			{"field with bad key", "POST", "/api/v1/custom-fields", `{"key": "Bad Key", "label": "x", "type": "text"}`, 400, "key"},
			{"field with duplicate key", "POST", "/api/v1/custom-fields", `{"key": "plan", "label": "x", "type": "text"}`, 409, "key"},
			{"field of unknown type", "POST", "/api/v1/custom-fields", `{"key": "x", "label": "x", "type": "colour"}`, 400, "type"},
			{"dropdown without options", "POST", "/api/v1/custom-fields", `{"key": "x", "label": "x", "type": "dropdown"}`, 400, "options"},
			{"field type cannot change", "PATCH", "/api/v1/custom-fields/1", `{"type": "number"}`, 400, "type"},
			{"unknown field", "PATCH", "/api/v1/custom-fields/999999", `{"label": "x"}`, 404, ""},
			{"status named like a built-in", "POST", "/api/v1/custom-statuses", `{"key": "open", "label": "x", "category": "open"}`, 400, "key"},
			{"status of unknown category", "POST", "/api/v1/custom-statuses", `{"key": "x", "label": "x", "category": "done"}`, 400, "category"},
			{"status category cannot change", "PATCH", "/api/v1/custom-statuses/1", `{"category": "open"}`, 400, "category"},

			{"merge into itself", "POST", pa + "/merge", `{"into": ` + itoa(a.ID) + `}`, 422, "into"},
			{"merge into unknown", "POST", pa + "/merge", `{"into": 999999}`, 422, "into"},
			{"merge into closed", "POST", pa + "/merge", `{"into": ` + itoa(closed.ID) + `}`, 422, "into"},
			{"merge without target", "POST", pa + "/merge", `{}`, 400, "into"},
			{"merge unknown ticket", "POST", "/api/v1/tickets/999999/merge", `{"into": ` + itoa(a.ID) + `}`, 404, ""},
			{"split only message", "POST", "/api/v1/tickets/" + itoa(single.ID) + "/split", `{"message_id": ` + itoa(only.Items[0].ID) + `}`, 422, "message_id"},
			{"split another's message", "POST", pb + "/split", `{"message_id": ` + itoa(msgs.Items[1].ID) + `}`, 422, "message_id"},
			{"split without message", "POST", pa + "/split", `{"subject": "x"}`, 400, "message_id"},
			{"self link", "POST", pa + "/links", `{"type": "related", "ticket_id": ` + itoa(a.ID) + `}`, 422, "ticket_id"},
			{"duplicate link", "POST", pb + "/links", `{"type": "related", "ticket_id": ` + itoa(a.ID) + `}`, 409, "ticket_id"},
			{"link of unknown type", "POST", pa + "/links", `{"type": "twin", "ticket_id": ` + itoa(b.ID) + `}`, 400, "type"},
			{"link to unknown ticket", "POST", pa + "/links", `{"type": "related", "ticket_id": 999999}`, 422, "ticket_id"},
			{"remove unknown link", "DELETE", pa + "/links/999999", ``, 404, ""},
			{"link id not a number", "DELETE", pa + "/links/abc", ``, 400, "link_id"},
		}
		before := map[string]int{}
		for _, tb := range fieldsTables {
			before[tb] = c.count(tb)
		}
		for _, tc := range cases {
			var e httpx.ErrorBody
			rec := c.do(tc.method, tc.path, tc.body, "")
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
				continue
			}
			c.want(rec, tc.status, &e)
			if e.Error.Code == "" || e.Error.Message == "" || e.Error.Field != tc.field {
				t.Errorf("%s: error %+v, want field %q", tc.name, e.Error, tc.field)
			}
		}
		for _, tb := range fieldsTables {
			if n := c.count(tb); n != before[tb] {
				t.Errorf("%s: %d rows after bad requests, was %d", tb, n, before[tb])
			}
		}
	})
}
