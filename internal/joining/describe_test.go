package joining

import "testing"

func TestDescribe(t *testing.T) {
	cases := []struct {
		typ  string
		data map[string]any
		want string
	}{
		{EventChannelSwitched, map[string]any{"via": ViaSubject, "channel": "email", "previous_channel": "portal"},
			"Added the customer's email to this ticket: it had no thread headers, and its subject matches this open ticket's; the customer switched from the portal to email"},
		{EventJoined, map[string]any{"via": ViaPortal, "channel": "portal", "previous_channel": "portal"},
			"Added the customer's portal message to this ticket, which they chose from their open requests"},
		{EventChannelSwitched, map[string]any{"via": ViaAgent, "channel": "walk_in", "previous_channel": "email"},
			"Added what the customer said (walk-in) to this ticket instead of opening a new one; the customer switched from email to walk-in"},
		{EventJoined, map[string]any{"via": ViaMerge, "channel": "email", "previous_channel": "email", "from_number": float64(42)},
			"Joined ticket #42 into this one as the same issue"},
	}
	for _, c := range cases {
		got, ok := Describe(c.typ, c.data)
		if !ok || got != c.want {
			t.Errorf("Describe(%s, %v) = %q, want %q", c.typ, c.data, got, c.want)
		}
	}
	if _, ok := Describe("ticket.merged", nil); ok {
		t.Error("a merge event was described as a join")
	}
}
