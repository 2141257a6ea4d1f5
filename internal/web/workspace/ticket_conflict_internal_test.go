package workspace

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/events"
)

// TestKeepEdited: after a stale save the panel keeps what the agent edited
// and shows a colleague's change where the agent left the field as it was
// rendered, which it works out from the changes' before-values.
func TestKeepEdited(t *testing.T) {
	since := []events.Event{
		{Type: "ticket.status_changed", Data: events.Change("status", "new", "open")},
		{Type: "ticket.status_changed", Data: events.Change("status", "open", "pending")},
		{Type: "ticket.priority_changed", Data: events.Change("priority", "normal", "low")},
		{Type: "ticket.assignee_changed", Data: events.Change("assignee_id", nil, float64(7))},
		{Type: "ticket.tags_changed", Data: events.Change("tags", []any{"a", "b"}, []any{"a"})},
	}
	rendered := renderedValues(since)
	if rendered["status"] != "new" || rendered["priority"] != "normal" || rendered["assignee_id"] != "" || rendered["tags"] != "a, b" {
		t.Fatalf("rendered values %v", rendered)
	}
	// The panel as the ticket is now: pending, low, assigned to 7, tag a.
	v := &propsView{
		Statuses:   []selectChoice{{"new", "new", false}, {"pending", "pending", true}, {"solved", "solved", false}},
		Priorities: []selectChoice{{"low", "low", true}, {"normal", "normal", false}, {"high", "high", false}},
		Assignees:  []selectChoice{{"", "Nobody", false}, {"7", "Ana", true}},
		Teams:      []selectChoice{{"", "No team", true}, {"3", "Billing", false}},
		Tags:       "a",
	}
	// The agent had rendered new/normal/nobody/"a, b" and edited the
	// priority to high and the team to Billing, nothing else.
	form := url.Values{"status": {"new"}, "priority": {"high"}, "assignee_id": {""}, "team_id": {"3"}, "tags": {"b, a"}}
	r := httptest.NewRequest("POST", "/tickets/1/properties", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	keepEdited(v, r, rendered)
	chosen := func(opts []selectChoice) string {
		for _, o := range opts {
			if o.Selected {
				return o.Value
			}
		}
		return "?"
	}
	got := []string{chosen(v.Statuses), chosen(v.Priorities), chosen(v.Assignees), chosen(v.Teams), v.Tags}
	want := []string{"pending", "high", "7", "3", "a"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("panel shows %q, want %q (their status, assignee and tags; his priority and team)", got, want)
		}
	}
}
