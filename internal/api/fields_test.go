package api_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// defineFieldsHTTP defines one custom field of each type as the admin.
func defineFieldsHTTP(c *client) {
	c.t.Helper()
	for _, body := range []string{
		`{"key": "note", "label": "Note", "type": "text"}`,
		`{"key": "amount", "label": "Amount", "type": "number"}`,
		`{"key": "due", "label": "Due", "type": "date"}`,
		`{"key": "plan", "label": "Plan", "type": "dropdown", "options": ["free", "pro"]}`,
		`{"key": "vip", "label": "VIP", "type": "checkbox"}`,
	} {
		c.want(c.do("POST", "/api/v1/custom-fields", body, ""), http.StatusCreated, nil)
	}
}

func TestCustomFieldsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		defineFieldsHTTP(c)
		var fields struct{ Items []field.Field }
		c.want(c.do("GET", "/api/v1/custom-fields", "", ""), http.StatusOK, &fields)
		if len(fields.Items) != 5 || fields.Items[3].Key != "plan" || len(fields.Items[3].Options) != 2 {
			t.Fatalf("fields %+v", fields)
		}
		plan := "/api/v1/custom-fields/" + itoa(fields.Items[3].ID)

		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Upgrade", "requester": {"email": "ada@example.com"},
			"body": "Please upgrade me.", "custom_fields": {"plan": "free", "amount": 9.5, "due": "2024-06-30", "vip": true}}`, ""),
			http.StatusCreated, &tk)
		want := map[string]any{"plan": "free", "amount": 9.5, "due": "2024-06-30", "vip": true}
		if !reflect.DeepEqual(tk.CustomFields, want) {
			t.Fatalf("created with %v", tk.CustomFields)
		}
		path := "/api/v1/tickets/" + itoa(tk.ID)
		tk = ticket.Ticket{} // decoding into a used map would merge
		c.want(c.do("PATCH", path, `{"custom_fields": {"plan": "pro", "amount": null, "note": "upsell"}}`, ""), http.StatusOK, &tk)
		want = map[string]any{"plan": "pro", "due": "2024-06-30", "vip": true, "note": "upsell"}
		if !reflect.DeepEqual(tk.CustomFields, want) {
			t.Fatalf("patched to %v", tk.CustomFields)
		}
		var evs struct{ Items []map[string]any }
		c.want(c.do("GET", path+"/events", "", ""), http.StatusOK, &evs)
		changed := 0
		for _, e := range evs.Items {
			if e["type"] == ticket.EventFieldChanged {
				changed++
			}
		}
		if changed != 3 {
			t.Fatalf("%d field_changed events, want 3: %v", changed, evs.Items)
		}

		var list struct{ Items []ticket.Ticket }
		c.want(c.do("GET", "/api/v1/tickets?field.plan=pro&field.vip=true", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != tk.ID {
			t.Fatalf("filtered %+v", list)
		}
		c.want(c.do("GET", "/api/v1/tickets?field.plan=free", "", ""), http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Fatalf("filtered on an old value: %+v", list)
		}

		// Agents read definitions but may not change them.
		agent := c.as("agent")
		agent.want(agent.do("GET", plan, "", ""), http.StatusOK, nil)
		agent.want(agent.do("PATCH", plan, `{"label": "Mine"}`, ""), http.StatusForbidden, nil)
		agent.want(agent.do("POST", "/api/v1/custom-fields", `{"key": "mine", "label": "Mine", "type": "text"}`, ""), http.StatusForbidden, nil)
		var got field.Field
		c.want(c.do("PATCH", plan, `{"archived": true}`, ""), http.StatusOK, &got)
		if !got.Archived {
			t.Fatalf("archive: %+v", got)
		}
		c.want(c.do("GET", "/api/v1/custom-fields?archived=false", "", ""), http.StatusOK, &fields)
		if len(fields.Items) != 4 {
			t.Fatalf("%d active fields, want 4", len(fields.Items))
		}
	})
}

func TestCustomStatusesOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var st ticket.CustomStatus
		c.want(c.do("POST", "/api/v1/custom-statuses",
			`{"key": "waiting_on_eng", "label": "Waiting on engineering", "category": "on_hold"}`, ""), http.StatusCreated, &st)
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
		path := "/api/v1/tickets/" + itoa(tk.ID)
		var raw map[string]any
		c.want(c.do("GET", path, "", ""), http.StatusOK, &raw)
		if _, ok := raw["custom_status"]; ok {
			t.Fatalf("a ticket without a custom status shows one: %v", raw)
		}
		c.want(c.do("PATCH", path, `{"status": "waiting_on_eng"}`, ""), http.StatusOK, &tk)
		if tk.Status != "on_hold" || tk.CustomStatus == nil || tk.CustomStatus.Label != "Waiting on engineering" {
			t.Fatalf("patched %+v", tk)
		}
		var list struct{ Items []ticket.Ticket }
		c.want(c.do("GET", "/api/v1/tickets?status=waiting_on_eng", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].CustomStatus == nil {
			t.Fatalf("listed %+v", list)
		}
		c.want(c.do("PATCH", path, `{"status": "closed"}`, ""), http.StatusOK, &tk)
		var e httpx.ErrorBody
		c.want(c.do("PATCH", path, `{"status": "open"}`, ""), http.StatusUnprocessableEntity, &e)
		if e.Error.Field != "status" || !strings.Contains(e.Error.Message, "new ticket") {
			t.Fatalf("reopen: %+v", e)
		}
		var statuses struct{ Items []ticket.CustomStatus }
		agent := c.as("agent")
		agent.want(agent.do("GET", "/api/v1/custom-statuses", "", ""), http.StatusOK, &statuses)
		if len(statuses.Items) != 1 {
			t.Fatalf("statuses %+v", statuses)
		}
		agent.want(agent.do("PATCH", "/api/v1/custom-statuses/"+itoa(st.ID), `{"label": "x"}`, ""), http.StatusForbidden, nil)
		c.want(c.do("PATCH", "/api/v1/custom-statuses/"+itoa(st.ID), `{"label": "Blocked by engineering"}`, ""), http.StatusOK, &st)
		c.want(c.do("GET", "/api/v1/custom-statuses/"+itoa(st.ID), "", ""), http.StatusOK, &st)
		if st.Label != "Blocked by engineering" || st.Category != "on_hold" {
			t.Fatalf("status %+v", st)
		}
	})
}
