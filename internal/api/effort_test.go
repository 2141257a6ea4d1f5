package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestLoggingACallOverHTTP: an agent logs a customer's phone call on a
// ticket opened through the API; the message is the requester's, by phone,
// and the ticket's and the customer's effort count it. Bad authors and
// channels answer 400 naming the field.
func TestLoggingACallOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d).as("agent")
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Fridge", "body": "It hums.",
			"requester": {"email": "caller@example.com"}, "channel": "api"}`, ""), http.StatusCreated, &tk)
		if tk.Effort.Contacts != 1 || !slices.Equal(tk.Effort.Channels, []string{"api"}) {
			t.Fatalf("created with effort %+v", tk.Effort)
		}
		path := "/api/v1/tickets/" + itoa(tk.ID)
		var m ticket.Message
		c.want(c.do("POST", path+"/messages", `{"body": "Called: it hums louder.", "author": "customer", "channel": "phone"}`, ""),
			http.StatusCreated, &m)
		if m.AuthorType != "customer" || m.AuthorID == nil || *m.AuthorID != tk.RequesterID || m.Channel != "phone" {
			t.Fatalf("logged call %+v", m)
		}
		c.want(c.do("POST", path+"/messages", `{"body": "We will send someone."}`, ""), http.StatusCreated, &m)
		if m.AuthorType != "agent" || m.Channel != "api" {
			t.Fatalf("an agent's reply takes the ticket's channel: %+v", m)
		}
		for body, field := range map[string]string{
			`{"body": "x", "channel": "fax"}`:                                         "channel",
			`{"body": "x", "author": "customer", "channel": "email"}`:                 "channel",
			`{"body": "x", "author": "customer"}`:                                     "channel",
			`{"body": "x", "author": "customer", "channel": "phone", "kind": "note"}`: "kind",
			`{"body": "x", "author": "someone", "channel": "phone"}`:                  "author",
		} {
			var e httpx.ErrorBody
			c.want(c.do("POST", path+"/messages", body, ""), http.StatusBadRequest, &e)
			if e.Error.Field != field {
				t.Errorf("%s: field %q, want %q", body, e.Error.Field, field)
			}
		}
		c.want(c.do("GET", path, "", ""), http.StatusOK, &tk)
		if tk.Effort.Contacts != 2 || tk.Effort.ChannelSwitches != 1 || !slices.Equal(tk.Effort.Channels, []string{"api", "phone"}) {
			t.Fatalf("ticket effort %+v", tk.Effort)
		}
		var cust struct {
			ID     int64         `json:"id"`
			Effort effort.Effort `json:"effort"`
		}
		c.want(c.do("GET", "/api/v1/customers/"+itoa(tk.RequesterID), "", ""), http.StatusOK, &cust)
		if cust.ID != tk.RequesterID || cust.Effort.Contacts != 2 || cust.Effort.ChannelSwitches != 1 ||
			!slices.Equal(cust.Effort.Channels, []string{"api", "phone"}) {
			t.Fatalf("customer %+v", cust)
		}
	})
}
