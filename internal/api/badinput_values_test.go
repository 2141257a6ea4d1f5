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

// valuesTables are the tables the workspace and values-in-practice routes
// write; a bad request must leave them as they were.
var valuesTables = []string{"macros", "views", "mailboxes", "team_values", "philosophy_versions", "surveys",
	"survey_answers", "scorecards", "scorecard_categories", "review_periods", "review_assignments", "reviews",
	"badge_awards", "badge_nominations", "coaching_sessions", "coaching_actions", "concerns", "settings",
	"events", "outbox", "audit_log", "idempotency_keys"}

// TestBadInputToTheNewerRoutesChangesNothing is TestBadInputChangesNothing
// for macros, views, mailboxes, the philosophy, reviews, recognition,
// coaching and concerns.
func TestBadInputToTheNewerRoutesChangesNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
		c.want(c.do("POST", "/api/v1/values", `{"name": "Empathetic", "code": "E", "colour": "#b3261e"}`, ""), http.StatusCreated, nil)
		ticketID := itoa(tk.ID)
		long := strings.Repeat("x", 5000)
		cases := []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"macro without name", "POST", "/api/v1/macros", `{"body": "Hi"}`, 400, "name"},
			{"macro without body", "POST", "/api/v1/macros", `{"name": "Hi"}`, 400, "body"},
			{"macro with unknown placeholder", "POST", "/api/v1/macros", `{"name": "Hi", "body": "Hi {{customer.shoe_size}}"}`, 400, "body"},
			{"macro with unknown field", "POST", "/api/v1/macros", `{"name": "Hi", "body": "Hi", "colour": "red"}`, 400, "colour"},
			{"unknown macro", "GET", "/api/v1/macros/999999", ``, 404, ""},

			{"view without name", "POST", "/api/v1/views", `{"name": ""}`, 400, "name"},
			{"view with unknown column", "POST", "/api/v1/views", `{"name": "Mine", "columns": ["shoe_size"]}`, 400, "columns"},
			{"view with unknown sort", "POST", "/api/v1/views", `{"name": "Mine", "sort": "shoe_size"}`, 400, "sort"},
			{"unknown view", "GET", "/api/v1/views/999999", ``, 404, ""},

			{"mailbox with bad address", "POST", "/api/v1/mailboxes", `{"address": "not an address"}`, 400, "address"},

			{"value without name", "POST", "/api/v1/values", `{"code": "X", "colour": "#000000"}`, 400, "name"},
			{"value with taken code", "POST", "/api/v1/values", `{"name": "Eager", "code": "E", "colour": "#000000"}`, 409, "code"},
			{"value with bad colour", "POST", "/api/v1/values", `{"name": "Nimble", "code": "N", "colour": "green"}`, 400, "colour"},
			{"value with over-long answer", "POST", "/api/v1/values", `{"name": "Nimble", "code": "N", "colour": "#00ff00", "meaning": "` + long + `"}`, 400, "meaning"},
			{"patch unknown value", "PATCH", "/api/v1/values/999999", `{"name": "X"}`, 404, ""},
			{"survey with over-long question", "POST", "/api/v1/surveys", `{"question": "` + long + `"}`, 400, "question"},
			{"answer to unknown survey", "POST", "/api/v1/surveys/999999/answers", `{"answer": "Cared for"}`, 404, ""},
			{"scorecard with negative weight", "POST", "/api/v1/scorecards", `{"name": "CENTER", "categories": [{"value_id": 1, "scale": "range", "weight": -1}]}`, 400, "categories[0].weight"},
			{"scorecard with unknown scale", "POST", "/api/v1/scorecards", `{"name": "CENTER", "categories": [{"value_id": 1, "scale": "stars", "weight": 1}]}`, 400, "categories[0].scale"},
			{"scorecard of unknown value", "POST", "/api/v1/scorecards", `{"name": "CENTER", "categories": [{"value_id": 999999, "scale": "range", "weight": 1}]}`, 422, "categories[0].value_id"},
			{"period ending before it starts", "POST", "/api/v1/review-periods", `{"starts_at": "2026-11-23T00:00:00Z", "ends_at": "2026-11-16T00:00:00Z", "per_agent": 2, "scorecard_id": 999999}`, 400, "ends_at"},
			{"review of unknown ticket", "POST", "/api/v1/reviews", `{"ticket_id": 999999, "scorecard_id": 999999}`, 422, "ticket_id"},

			{"award without citation", "POST", "/api/v1/awards", `{"value_id": 1, "ticket_id": ` + ticketID + `, "citation": ""}`, 400, "citation"},
			{"award for unknown ticket", "POST", "/api/v1/awards", `{"value_id": 1, "ticket_id": 999999, "citation": "Kind."}`, 422, "ticket_id"},
			{"nomination without citation", "POST", "/api/v1/nominations", `{"value_id": 1, "ticket_id": ` + ticketID + `}`, 400, "citation"},
			{"withdraw without reason", "POST", "/api/v1/awards/999999/withdraw", `{"reason": ""}`, 400, "reason"},

			{"coaching of unknown agent", "POST", "/api/v1/coaching-sessions", `{"agent_id": 999999, "notes": "Talk"}`, 422, "agent_id"},
			{"coaching with wrong type", "POST", "/api/v1/coaching-sessions", `{"agent_id": "ana"}`, 400, "agent_id"},
			{"concern without body", "POST", "/api/v1/concerns", `{"body": " "}`, 400, "body"},
			{"concern about unknown ticket", "POST", "/api/v1/concerns", `{"body": "Rude reply", "ticket_id": 999999}`, 422, "ticket_id"},

			// Text no column can hold, names that show nothing, and null for an object.
			{"invisible macro name", "POST", "/api/v1/macros", `{"name": "\u200b", "body": "Hi"}`, 400, "name"},
			{"NUL in a macro body", "POST", "/api/v1/macros", `{"name": "Hi", "body": "Hi\u0000"}`, 400, "body"},
			{"invalid UTF-8 in a macro name", "POST", "/api/v1/macros", "{\"name\": \"H\xc3\", \"body\": \"Hi\"}", 400, "name"},
			{"null macro", "POST", "/api/v1/macros", `null`, 400, ""},
			{"invisible view name", "POST", "/api/v1/views", `{"name": "\u2060\u200d"}`, 400, "name"},
			{"NUL in a view name", "POST", "/api/v1/views", "{\"name\": \"M\x00ine\"}", 400, "name"},
			{"invisible value name", "POST", "/api/v1/values", `{"name": "\u200f\u200b", "code": "X", "colour": "#000000"}`, 400, "name"},
			{"NUL in a value's meaning", "POST", "/api/v1/values", `{"name": "Nimble", "code": "N", "colour": "#00ff00", "meaning": "\u0000"}`, 400, "meaning"},
			{"NUL in a mailbox name", "POST", "/api/v1/mailboxes", `{"address": "help@example.com", "name": "Help\u0000"}`, 400, "name"},
			{"null mailbox", "POST", "/api/v1/mailboxes", `null`, 400, ""},
			{"invalid UTF-8 in a survey question", "POST", "/api/v1/surveys", "{\"question\": \"Why\xff\"}", 400, "question"},
			{"null scorecard category", "POST", "/api/v1/scorecards", `{"name": "CENTER", "categories": [null]}`, 400, "categories[0]"},
			{"invisible award citation", "POST", "/api/v1/awards", `{"value_id": 1, "ticket_id": ` + ticketID + `, "citation": "\u200b"}`, 400, "citation"},
			{"NUL in a concern", "POST", "/api/v1/concerns", `{"body": "Rude\u0000"}`, 400, "body"},
			{"NUL in a coaching query", "GET", "/api/v1/concerns?status=%00", ``, 400, "status"},
			{"zero review limit", "GET", "/api/v1/reviews?limit=0", ``, 400, "limit"},
			{"huge award limit", "GET", "/api/v1/awards?limit=101", ``, 400, "limit"},
			{"negative view limit", "GET", "/api/v1/views/mine/tickets?limit=-5", ``, 400, "limit"},
		}
		before := countsOf(c, valuesTables)
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
		if after := countsOf(c, valuesTables); !equalCounts(before, after) {
			t.Errorf("bad requests changed the database:\nbefore %v\nafter  %v", before, after)
		}
	})
}

func countsOf(c *client, tables []string) map[string]int {
	out := map[string]int{}
	for _, tb := range tables {
		out[tb] = c.count(tb)
	}
	return out
}
