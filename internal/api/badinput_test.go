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
	"events", "outbox", "teams", "team_members", "audit_log", "idempotency_keys", "organizations",
	"organization_domains", "ticket_followers"}

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
		customerPath := "/api/v1/customers/" + itoa(tk.RequesterID)
		c.want(c.do("POST", "/api/v1/organizations", `{"name": "Acme", "domains": ["acme.example"]}`, ""), http.StatusCreated, nil)
		// The requester's only address, on a ticket that came by email.
		var customerEmailID int64
		c.d.Write().QueryRow(`SELECT id FROM customer_identities WHERE customer_id = $1`, tk.RequesterID).Scan(&customerEmailID)
		c.d.Write().Exec(`UPDATE tickets SET channel = 'email' WHERE id = $1`, tk.ID)
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
			{"customer without any identity", "POST", "/api/v1/customers", `{"name": "A"}`, 400, "email"},
			{"customer with a bad phone", "POST", "/api/v1/customers", `{"name": "A", "identities": [{"kind": "phone", "value": "020 7946"}]}`, 400, "identities[0].value"},
			{"customer in an unknown organization", "POST", "/api/v1/customers", `{"email": "new@example.com", "organization_id": 999999}`, 422, "organization_id"},
			{"patch unknown customer", "PATCH", "/api/v1/customers/999999", `{"name": "A"}`, 404, ""},
			{"patch customer with empty name", "PATCH", customerPath, `{"name": " "}`, 400, "name"},
			{"patch customer into unknown organization", "PATCH", customerPath, `{"organization_id": 999999}`, 422, "organization_id"},
			{"identity of unknown kind", "POST", customerPath + "/identities", `{"kind": "fax", "value": "1"}`, 400, "kind"},
			{"phone without country code", "POST", customerPath + "/identities", `{"kind": "phone", "value": "020 7946 0958"}`, 400, "value"},
			{"external id without system", "POST", customerPath + "/identities", `{"kind": "external", "value": "84213"}`, 400, "value"},
			{"identity already taken", "POST", customerPath + "/identities", `{"kind": "email", "value": "Ada@Example.com"}`, 409, "value"},
			{"identity of unknown customer", "POST", "/api/v1/customers/999999/identities", `{"kind": "phone", "value": "+44 20 7946 0958"}`, 404, ""},
			{"remove unknown identity", "DELETE", customerPath + "/identities/999999", ``, 404, ""},
			{"remove last email with mail", "DELETE", customerPath + "/identities/" + itoa(customerEmailID), ``, 422, "identity_id"},
			{"merge into itself", "POST", customerPath + "/merge", `{"into": ` + itoa(tk.RequesterID) + `}`, 422, "into"},
			{"merge into nobody", "POST", customerPath + "/merge", `{"into": 999999}`, 422, "into"},
			{"merge without into", "POST", customerPath + "/merge", `{}`, 400, "into"},
			{"merge unknown customer", "POST", "/api/v1/customers/999999/merge", `{"into": ` + itoa(tk.RequesterID) + `}`, 404, ""},
			{"erase unknown customer", "POST", "/api/v1/customers/999999/erase", ``, 404, ""},
			{"organization without name", "POST", "/api/v1/organizations", `{"name": ""}`, 400, "name"},
			{"organization with bad domain", "POST", "/api/v1/organizations", `{"name": "X", "domains": ["not a domain"]}`, 400, "domains"},
			{"organization with taken name", "POST", "/api/v1/organizations", `{"name": "ACME"}`, 409, "name"},
			{"organization with taken domain", "POST", "/api/v1/organizations", `{"name": "X", "domains": ["Acme.example"]}`, 409, "domains"},
			{"patch unknown organization", "PATCH", "/api/v1/organizations/999999", `{"name": "X"}`, 404, ""},
			{"unknown organization", "GET", "/api/v1/organizations/999999", ``, 404, ""},
			{"team without name", "POST", "/api/v1/teams", `{"name": ""}`, 400, "name"},
			{"team with unknown member", "POST", "/api/v1/teams", `{"name": "X", "member_ids": [999999]}`, 422, "member_ids"},

			// Text no column can hold, names that show nothing, and null for an object.
			{"raw NUL in subject", "POST", "/api/v1/tickets", "{\"subject\": \"a\x00b\", \"body\": \"b\", \"requester\": {\"email\": \"a@example.com\"}}", 400, "subject"},
			{"escaped NUL in subject", "POST", "/api/v1/tickets", `{"subject": "a\u0000b", "body": "b", "requester": {"email": "a@example.com"}}`, 400, "subject"},
			{"escaped NUL in requester email", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "requester": {"email": "a\u0000@example.com"}}`, 400, "requester.email"},
			{"escaped NUL in a tag", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "tags": ["ok", "x\u0000"], "requester": {"email": "a@example.com"}}`, 400, "tags[1]"},
			{"invalid UTF-8 in body", "POST", "/api/v1/tickets", "{\"subject\": \"a\", \"body\": \"caf\xe9\", \"requester\": {\"email\": \"a@example.com\"}}", 400, "body"},
			{"invalid UTF-8 in a message", "POST", ticketPath + "/messages", "{\"body\": \"\xff\xfe\"}", 400, "body"},
			{"escaped NUL in a message", "POST", ticketPath + "/messages", `{"body": "hi\u0000"}`, 400, "body"},
			{"invisible subject", "POST", "/api/v1/tickets", `{"subject": "\u200b\u200d", "body": "b", "requester": {"email": "a@example.com"}}`, 400, "subject"},
			{"invisible tag", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "tags": ["ok", "\u200b"], "requester": {"email": "a@example.com"}}`, 400, "tags"},
			{"invisible tag rename", "PATCH", "/api/v1/tags/billing", `{"name": "\u2060"}`, 400, "name"},
			{"invisible message", "POST", ticketPath + "/messages", `{"body": "\u2060\ufeff "}`, 400, "body"},
			{"patch invisible subject", "PATCH", ticketPath, `{"subject": "\u202e\u2066"}`, 400, "subject"},
			{"null body", "POST", "/api/v1/tickets", `null`, 400, ""},
			{"null patch", "PATCH", ticketPath, `null`, 400, ""},
			{"null requester", "POST", "/api/v1/tickets", `{"subject": "a", "body": "b", "requester": null}`, 400, "requester"},
			{"NUL in customer name", "PATCH", customerPath, `{"name": "Ada\u0000"}`, 400, "name"},
			{"invisible customer name", "PATCH", customerPath, `{"name": "\u200b"}`, 400, "name"},
			{"invisible organization name", "POST", "/api/v1/organizations", `{"name": "\u200c\u00ad"}`, 400, "name"},
			{"invisible team name", "POST", "/api/v1/teams", `{"name": "\ufeff\u200e"}`, 400, "name"},
			{"null customer", "POST", "/api/v1/customers", `null`, 400, ""},
			{"null identity in a list", "POST", "/api/v1/customers", `{"name": "A", "identities": [null]}`, 400, "identities[0]"},

			// Query parameters: the same text rules, and one range for every limit.
			{"NUL in a path value", "PATCH", "/api/v1/tags/a%00b", `{"name": "c"}`, 400, "path"},
			{"invalid UTF-8 in a path value", "DELETE", "/api/v1/tags/%FF", ``, 400, "path"},
			{"NUL in a query parameter", "GET", "/api/v1/tickets?tag=a%00b", ``, 400, "tag"},
			{"invalid UTF-8 in a query parameter", "GET", "/api/v1/tickets?status=%FF", ``, 400, "status"},
			{"NUL in a search", "GET", "/api/v1/search?q=refund%00", ``, 400, "q"},
			{"NUL in a customer lookup", "GET", "/api/v1/customers?email=a%00%40example.com", ``, 400, "email"},
			{"negative ticket limit", "GET", "/api/v1/tickets?limit=-1", ``, 400, "limit"},
			{"zero ticket limit", "GET", "/api/v1/tickets?limit=0", ``, 400, "limit"},
			{"huge ticket limit", "GET", "/api/v1/tickets?limit=1000000", ``, 400, "limit"},
			{"huge search limit", "GET", "/api/v1/search?q=x&limit=101", ``, 400, "limit"},
			{"negative audit limit", "GET", "/api/v1/audit?limit=-1", ``, 400, "limit"},
			{"huge audit limit", "GET", "/api/v1/audit?limit=501", ``, 400, "limit"},
			{"audit cursor not an id", "GET", "/api/v1/audit?cursor=abc", ``, 400, "cursor"},
			{"audit person not an id", "GET", "/api/v1/audit?actor_id=ada", ``, 400, "actor_id"},
			{"audit from not a day", "GET", "/api/v1/audit?from=yesterday", ``, 400, "from"},
			{"audit to not a day", "GET", "/api/v1/audit?to=2026-13-01", ``, 400, "to"},
			{"audit to before from", "GET", "/api/v1/audit?from=2026-12-07&to=2026-12-01", ``, 400, "to"},
			{"zero customer limit", "GET", "/api/v1/customers?limit=0", ``, 400, "limit"},
			{"huge tag limit", "GET", "/api/v1/tags?limit=1001", ``, 400, "limit"},
			{"limit not a number", "GET", "/api/v1/organizations/1/customers?limit=ten", ``, 400, "limit"},
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
