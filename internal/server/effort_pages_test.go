package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestLogACallFromTheTicketPage: the ticket page offers "Log a call"; a
// logged call is the customer's message by phone, and the ticket's header
// and the customer's page count it. A channel an agent cannot log is
// refused on the page, naming the field, and stores nothing.
func TestLogACallFromTheTicketPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "caller-agent@example.com", "agent")
		id := k.ticketVia(`{"subject": "Boiler", "body": "It knocks.", "channel": "api",
			"requester": {"email": "boiler@example.com", "name": "Bo"}}`)
		page := k.page("/tickets/" + itoa(id))
		for _, want := range []string{`id="log-call"`, `action="/tickets/` + itoa(id) + `/calls"`, `id="ticket-effort"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the ticket page lacks %s", want)
			}
		}
		resp := k.postForm(k.b, "/tickets/"+itoa(id)+"/calls", url.Values{"channel": {"email"}, "body": {"Hello"}})
		refused := body(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(refused, `id="call-error"`) ||
			!strings.Contains(refused, "channel:") {
			t.Fatalf("a logged email: %d\n%s", resp.StatusCode, refused)
		}
		resp = k.postForm(k.b, "/tickets/"+itoa(id)+"/calls", url.Values{"channel": {"phone"}, "body": {"Called: it knocks louder."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logging the call: %d\n%s", resp.StatusCode, body(t, resp))
		}
		tk := k.ticketJSON(id)
		e := tk["effort"].(map[string]any)
		if e["contacts"] != 2.0 || e["channel_switches"] != 1.0 {
			t.Fatalf("effort after the call %v", e)
		}
		page = k.page("/tickets/" + itoa(id))
		if !strings.Contains(page, "Call logged.") || !strings.Contains(page, "2 contacts by API, Phone") ||
			!strings.Contains(page, "Reached us by Phone (logged by ") {
			t.Fatalf("the header does not count the call:\n%s", page)
		}
		customer := k.page("/customers/" + itoa(int64(tk["requester_id"].(float64))))
		if !strings.Contains(customer, `id="customer-effort"`) || !strings.Contains(customer, `<dd id="effort-contacts">2`) {
			t.Fatalf("the customer's page does not sum the effort:\n%s", customer)
		}
	})
}
