package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// One issue, whatever channel: the portal's new request form offers the
// customer's open requests and adds to the one chosen; a new request is
// suggested to agents as possibly the same issue, joined with one click;
// an agent's new ticket form offers the customer's open tickets.
func TestOneIssueAcrossPortalAndWorkspace(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		ann := p.signInCustomer("ann@example.com")
		if page := body(t, p.get(ann, "/portal/tickets/new")); strings.Contains(page, "Is this about one of these?") {
			t.Fatal("a customer with no requests is asked about them")
		}
		resp := p.postMultipart(ann, "/portal/tickets", map[string]string{"subject": "Printer on fire",
			"description": "It smokes."}, "", "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first request: %d\n%s", resp.StatusCode, body(t, resp))
		}
		first := ticketIDFrom(t, resp.Header.Get("Location"))
		page := body(t, p.get(ann, "/portal/tickets/new"))
		if !strings.Contains(page, "Is this about one of these?") || !strings.Contains(page, `id="portal-join-`+itoa(first)+`"`) {
			t.Fatalf("the form does not offer the open request:\n%s", page)
		}

		// Choosing it adds the message to it: no new ticket.
		tickets := count(t, d, "tickets")
		resp = p.postMultipart(ann, "/portal/tickets", map[string]string{"join": itoa(first),
			"description": "Now it beeps too."}, "", "")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal/tickets/"+itoa(first) {
			t.Fatalf("join: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body(t, resp))
		}
		if count(t, d, "tickets") != tickets || scalar(t, d, `SELECT COUNT(*) FROM messages WHERE ticket_id = $1`, first) != 2 {
			t.Fatal("the join opened a ticket or lost the message")
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM events WHERE ticket_id = $1 AND type = 'ticket.joined'`, first); n != 1 {
			t.Fatalf("%d join events", n)
		}
		// Nobody joins someone else's request, and a blank message is refused.
		bob := p.signInCustomer("bob@example.com")
		resp = p.postMultipart(bob, "/portal/tickets", map[string]string{"join": itoa(first), "description": "Me too"}, "", "")
		if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(page, "Printer on fire") {
			t.Fatalf("a stranger's join: %d\n%s", resp.StatusCode, page)
		}
		resp = p.postMultipart(ann, "/portal/tickets", map[string]string{"join": itoa(first), "description": " "}, "", "")
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="description"`) {
			t.Fatalf("an empty join: %d\n%s", resp.StatusCode, page)
		}
		resp = p.postMultipart(ann, "/portal/tickets", map[string]string{"join": "x", "description": "hi"}, "", "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a bad join: %d", resp.StatusCode)
		}
		if scalar(t, d, `SELECT COUNT(*) FROM messages WHERE ticket_id = $1`, first) != 2 {
			t.Fatal("a refused join added a message")
		}

		// Something new: a ticket of its own, suggested as possibly the
		// same issue as the open one.
		resp = p.postMultipart(ann, "/portal/tickets", map[string]string{"join": "", "subject": "Invoice question",
			"description": "Which VAT rate?"}, "", "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new request: %d\n%s", resp.StatusCode, body(t, resp))
		}
		second := ticketIDFrom(t, resp.Header.Get("Location"))
		if second == first || scalar(t, d, `SELECT COUNT(*) FROM ticket_join_suggestions WHERE ticket_id = $1 AND other_id = $2`, second, first) != 1 {
			t.Fatal("the new request was not suggested as the same issue")
		}

		// The agent joins it with one click: a merge into the older one.
		p.createUser("agent@example.com", "agent")
		k := &deskOf{harness: p.harness, b: p.browser()}
		p.signIn(k.b, "agent@example.com")
		page = k.page("/tickets/" + itoa(second))
		if !strings.Contains(page, "Possibly the same issue") || !strings.Contains(page, `name="other_id" value="`+itoa(first)+`"`) {
			t.Fatalf("the ticket page offers no join:\n%s", page)
		}
		resp = p.postForm(k.b, "/tickets/"+itoa(second)+"/join", url.Values{"other_id": {itoa(first)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tickets/"+itoa(first) {
			t.Fatalf("join: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body(t, resp))
		}
		if scalar(t, d, `SELECT COUNT(*) FROM tickets WHERE id = $1 AND status = 'closed'`, second) != 1 ||
			scalar(t, d, `SELECT COUNT(*) FROM messages WHERE ticket_id = $1`, first) != 3 {
			t.Fatal("the join did not merge")
		}
		if page := k.page("/tickets/" + itoa(first)); !strings.Contains(page, "into this one as the same issue") ||
			strings.Contains(page, "Possibly the same issue") {
			t.Fatalf("the history does not tell the join:\n%s", page)
		}
		if resp := p.postForm(k.b, "/tickets/"+itoa(first)+"/join", url.Values{"other_id": {"abc"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a bad other_id: %d", resp.StatusCode)
		}

		// An agent opening a ticket for Ann is shown her open ticket and
		// adds what she said on the phone to it.
		annID := int64(scalar(t, d, `SELECT customer_id FROM customer_identities WHERE value = 'ann@example.com'`))
		if page := k.page("/tickets/new?customer_id=" + itoa(annID)); !strings.Contains(page, `id="add-to-`+itoa(first)+`"`) {
			t.Fatalf("the new ticket form does not offer the open ticket:\n%s", page)
		}
		if frag := k.page("/tickets/new/open?customer_id=" + itoa(annID)); !strings.Contains(frag, `value="`+itoa(first)+`"`) {
			t.Fatalf("the open tickets fragment:\n%s", frag)
		}
		if frag := k.page("/tickets/new/open?customer_id=new"); strings.Contains(frag, "add-to") {
			t.Fatalf("a new customer has open tickets:\n%s", frag)
		}
		form := k.newTicketForm(map[string]string{"customer_id": itoa(annID), "add_to": itoa(first),
			"body": "She called: the smoke stopped."})
		resp = p.postForm(k.b, "/tickets/new", form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tickets/"+itoa(first) {
			t.Fatalf("add to: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body(t, resp))
		}
		if scalar(t, d, `SELECT COUNT(*) FROM messages WHERE ticket_id = $1`, first) != 4 {
			t.Fatal("the agent's message is not on the ticket")
		}
		if page := k.page("/tickets/" + itoa(first)); !strings.Contains(page, "switched from the portal to phone") {
			t.Fatalf("the history does not tell the channel switch:\n%s", page)
		}
		// Bob's ticket is not Ann's to add to.
		bobID := int64(scalar(t, d, `SELECT customer_id FROM customer_identities WHERE value = 'bob@example.com'`))
		resp = p.postForm(k.b, "/tickets/new", k.newTicketForm(map[string]string{"customer_id": itoa(bobID),
			"add_to": itoa(first), "body": "Wrong person."}))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("add to another customer's ticket: %d", resp.StatusCode)
		}
	})
}

// A customer who writes by email about their portal request, without
// thread headers, lands in the same ticket: a channel switch, an
// acknowledgement naming the request, and a retried delivery changes
// nothing.
func TestEmailAboutAPortalRequestJoinsIt(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box := newBox(t)
		relay := newRelay(t)
		if _, err := mailbox.NewService(d, box).Create(ctx, mailbox.NewMailbox{Address: "help@desk.test",
			Name: "Desk Help", SMTPHost: "127.0.0.1", SMTPPort: relay.port, SMTPSecurity: "none"}); err != nil {
			t.Fatal(err)
		}
		c, err := customer.NewService(d).Create(ctx, customer.NewCustomer{Name: "Ann", Email: "ann@customer.test"})
		if err != nil {
			t.Fatal(err)
		}
		tk, _, err := ticket.NewService(d).OpenReceived(ctx, ticket.Received{CustomerID: c.ID,
			Subject: "Printer on fire", Body: "It smokes.", Channel: "portal"})
		if err != nil {
			t.Fatal(err)
		}
		desk := startMailDesk(t, d, box)
		desk.withToken("agent", "agent")
		mail := `From: Ann <ann@customer.test>
To: help@desk.test
Subject: RE: printer on FIRE
Message-ID: <joins@customer.test>
Date: Mon, 23 Nov 2026 09:00:00 +0000

It is still smoking.
`
		if err := desk.send("ann@customer.test", "help@desk.test", mail); err != nil {
			t.Fatal(err)
		}
		desk.awaitMessages(tk.ID, 2)
		if n := len(desk.tickets()); n != 1 {
			t.Fatalf("%d tickets, want the portal one only", n)
		}
		raw := relay.await(t, func(h gomail.Header) bool {
			s, _ := h.Subject()
			return strings.HasPrefix(s, fmt.Sprintf("We added your message to request #%d: Printer on fire", tk.Number))
		})
		if !strings.Contains(string(raw), fmt.Sprintf("request #%d", tk.Number)) {
			t.Fatalf("the acknowledgement does not name the request:\n%s", raw)
		}
		var evs struct {
			Items []struct {
				Type string         `json:"type"`
				Data map[string]any `json:"data"`
			}
		}
		desk.call("GET", fmt.Sprintf("/api/v1/tickets/%d/events", tk.ID), "", &evs)
		switched := 0
		for _, e := range evs.Items {
			if e.Type == "ticket.channel_switched" && e.Data["previous_channel"] == "portal" && e.Data["channel"] == "email" {
				switched++
			}
		}
		if switched != 1 {
			t.Fatalf("channel switch events: %+v", evs.Items)
		}
		// The sender retries the same mail: stored once, acknowledged once.
		if err := desk.send("ann@customer.test", "help@desk.test", mail); err != nil {
			t.Fatal(err)
		}
		desk.awaitMessages(tk.ID, 2)
		if n := scalar(t, d, `SELECT COUNT(*) FROM email_join_acks`); n != 1 {
			t.Fatalf("%d join acknowledgements, want 1", n)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'email.ack'`); n != 1 {
			t.Fatalf("%d acknowledgement jobs, want 1", n)
		}
	})
}

// The API: a customer's unsolved tickets, the same-issue suggestions of a
// ticket and the one-call join, with bad input answered 400 or 404.
func TestJoiningAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "agent@example.com", "agent")
		first := k.ticketVia(`{"subject": "Printer on fire", "requester": {"email": "ann@example.com"}, "body": "Smoke."}`)
		ann := int64(scalar(t, d, `SELECT customer_id FROM customer_identities WHERE value = 'ann@example.com'`))
		resp, out := k.api("GET", "/api/v1/customers/"+itoa(ann)+"/unsolved-tickets", k.tok, "")
		if items, _ := out["items"].([]any); resp.StatusCode != http.StatusOK || len(items) != 1 ||
			items[0].(map[string]any)["id"] != float64(first) {
			t.Fatalf("unsolved tickets: %d %v", resp.StatusCode, out)
		}
		if resp, _ := k.api("GET", "/api/v1/customers/999999/unsolved-tickets", k.tok, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("an unknown customer: %d", resp.StatusCode)
		}
		second := k.ticketVia(`{"subject": "Still smoking", "requester": {"email": "ann@example.com"}, "body": "More smoke."}`)
		if _, err := joining.New(d, ticket.NewService(d)).Suggest(context.Background(), second, ann); err != nil {
			t.Fatal(err)
		}
		resp, out = k.api("GET", "/api/v1/tickets/"+itoa(second)+"/same-issue", k.tok, "")
		if items, _ := out["items"].([]any); resp.StatusCode != http.StatusOK || len(items) != 1 ||
			items[0].(map[string]any)["newer"] != true {
			t.Fatalf("same issue: %d %v", resp.StatusCode, out)
		}
		for _, bad := range []struct {
			body string
			want int
		}{{`{}`, 400}, {`{"other_id": "x"}`, 400}, {`{"other_id": 999999}`, 422}} {
			if resp, out := k.api("POST", "/api/v1/tickets/"+itoa(second)+"/join", k.tok, bad.body); resp.StatusCode != bad.want {
				t.Errorf("join %s: %d %v, want %d", bad.body, resp.StatusCode, out, bad.want)
			}
		}
		resp, out = k.api("POST", "/api/v1/tickets/"+itoa(first)+"/join", k.tok, `{"other_id": `+itoa(second)+`}`)
		if resp.StatusCode != http.StatusOK || out["target"].(map[string]any)["id"] != float64(first) {
			t.Fatalf("join: %d %v", resp.StatusCode, out)
		}
		types := k.eventTypes(first)
		if !slices.Contains(types, "ticket.joined") || !slices.Contains(types, "ticket.merged") {
			t.Fatalf("events of the older ticket: %v", types)
		}
		if resp, _ := k.api("POST", "/api/v1/tickets/"+itoa(first)+"/join", k.tok, `{"other_id": `+itoa(second)+`}`); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a second join: %d", resp.StatusCode)
		}
	})
}

// join_window_days is a desk setting, on the settings page and in the API,
// refused outside 0-365 naming the field.
func TestJoinWindowSetting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "admin@example.com", "admin")
		if page := k.page("/admin/settings"); !strings.Contains(page, `name="join_window_days"`) || !strings.Contains(page, `value="7"`) {
			t.Fatalf("the settings page lacks the join window:\n%s", page)
		}
		resp := k.postForm(k.b, "/admin/settings", url.Values{"join_window_days": {"3"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", resp.StatusCode, body(t, resp))
		}
		resp = k.postForm(k.b, "/admin/settings", url.Values{"join_window_days": {"a week"}})
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "whole number of days") {
			t.Fatalf("a bad window: %d\n%s", resp.StatusCode, page)
		}
		resp, out := k.api("GET", "/api/v1/settings", k.tok, "")
		if resp.StatusCode != http.StatusOK || out["join_window_days"] != float64(3) {
			t.Fatalf("settings: %d %v", resp.StatusCode, out)
		}
		resp, out = k.api("PATCH", "/api/v1/settings", k.tok, `{"join_window_days": 400}`)
		if resp.StatusCode != http.StatusBadRequest || errorOf(t, out)["field"] != "join_window_days" {
			t.Fatalf("a window too long: %d %v", resp.StatusCode, out)
		}
	})
}
