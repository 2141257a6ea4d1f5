package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// writtenTables are the tables a bad request must leave as they were.
var writtenTables = []string{"tickets", "messages", "customers", "customer_identities", "ticket_tags",
	"events", "outbox", "teams", "team_members", "audit_log", "idempotency_keys"}

func rowCounts(c *client) map[string]int {
	out := map[string]int{}
	for _, tb := range writtenTables {
		out[tb] = c.count(tb)
	}
	return out
}

// TestBadInputChangesNothing sends the kinds of wrong request clients send
// and checks each gets the error convention, with the right status and the
// field named, and that the database is unchanged afterwards.
func TestBadInputChangesNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
		ticketPath := "/api/v1/tickets/" + itoa(tk.ID)
		long := strings.Repeat("x", ticket.MaxSubject+1)
		cases := []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"malformed JSON", "POST", "/api/v1/tickets", `{"subject": "Refund",`, 400, ""},
			{"not an object", "POST", "/api/v1/tickets", `["subject"]`, 400, ""},
			{"empty body", "POST", "/api/v1/tickets", ``, 400, ""},
			{"two objects", "POST", "/api/v1/tickets", `{} {}`, 400, ""},
			{"unknown field", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "requester": {"email": "a@example.com"}, "colour": "red"}`, 400, "colour"},
			{"wrong type", "POST", "/api/v1/tickets", `{"subject": 42, "body": "b", "requester": {"email": "a@example.com"}}`, 400, "subject"},
			{"wrong nested type", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "requester": {"email": ["a@example.com"]}}`, 400, "requester.email"},
			{"missing subject", "POST", "/api/v1/tickets", `{"body": "b", "requester": {"email": "a@example.com"}}`, 400, "subject"},
			{"missing body", "POST", "/api/v1/tickets", `{"subject": "a", "requester": {"email": "a@example.com"}}`, 400, "body"},
			{"missing requester", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b"}`, 400, "requester.email"},
			{"invalid email", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "requester": {"email": "not an address"}}`, 400, "requester.email"},
			{"over-long subject", "POST", "/api/v1/tickets", `{"subject": "` + long + `", "body": "b", "requester": {"email": "a@example.com"}}`, 400, "subject"},
			{"unknown priority", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "priority": "asap", "requester": {"email": "a@example.com"}}`, 400, "priority"},
			{"unknown channel", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "channel": "fax", "requester": {"email": "a@example.com"}}`, 400, "channel"},
			{"tag with space", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "tags": ["two words"], "requester": {"email": "a@example.com"}}`, 400, "tags"},
			{"not JSON", "POST", "/api/v1/tickets", `subject=a`, 400, ""},

			{"unknown ticket", "GET", "/api/v1/tickets/999999", ``, 404, ""},
			{"id not a number", "GET", "/api/v1/tickets/abc", ``, 400, "id"},
			{"patch unknown ticket", "PATCH", "/api/v1/tickets/999999", `{"priority": "high"}`, 404, ""},
			{"patch unknown status", "PATCH", ticketPath, `{"status": "done"}`, 400, "status"},
			{"patch unknown assignee", "PATCH", ticketPath, `{"assignee_id": 999999}`, 422, "assignee_id"},
			{"patch unknown team", "PATCH", ticketPath, `{"team_id": 999999}`, 422, "team_id"},
			{"patch wrong type", "PATCH", ticketPath, `{"tags": "billing"}`, 400, "tags"},
			{"patch over-long subject", "PATCH", ticketPath, `{"subject": "` + long + `"}`, 400, "subject"},

			{"message to unknown ticket", "POST", "/api/v1/tickets/999999/messages", `{"body": "hi"}`, 404, ""},
			{"message without body", "POST", ticketPath + "/messages", `{"kind": "note"}`, 400, "body"},
			{"message of unknown kind", "POST", ticketPath + "/messages", `{"body": "hi", "kind": "shout"}`, 400, "kind"},

			{"customer with invalid email", "POST", "/api/v1/customers", `{"email": "nope", "name": "A"}`, 400, "email"},
			{"customer already known", "POST", "/api/v1/customers", `{"email": "ADA@example.com", "name": "A"}`, 409, "email"},
			{"team without name", "POST", "/api/v1/teams", `{"name": ""}`, 400, "name"},
			{"team with unknown member", "POST", "/api/v1/teams", `{"name": "X", "member_ids": [999999]}`, 422, "member_ids"},
		}
		before := rowCounts(c)
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
		if after := rowCounts(c); !equalCounts(before, after) {
			t.Errorf("bad requests changed the database:\nbefore %v\nafter  %v", before, after)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}
