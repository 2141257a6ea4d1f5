package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestMacroAPIAuthorization(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "admin@example.com", "admin")
		ann, bob := k.createUser("ann@example.com", "agent"), k.createUser("bob@example.com", "agent")
		annTok, bobTok := k.token(ann), k.token(bob)

		resp, out := k.api("POST", "/api/v1/macros", annTok, `{"name": "Mine", "body": "Hi {{customer.first_name}}"}`)
		if resp.StatusCode != http.StatusCreated || out["shared"] != false {
			t.Fatalf("personal macro: %d %v", resp.StatusCode, out)
		}
		mine := itoa(int64(out["id"].(float64)))
		if resp, out := k.api("POST", "/api/v1/macros", annTok, `{"name": "All", "body": "x", "shared": true}`); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent shares a macro: %d %v", resp.StatusCode, out)
		}
		resp, out = k.api("POST", "/api/v1/macros", k.tok, `{"name": "Shared", "body": "x", "shared": true}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("shared macro: %d %v", resp.StatusCode, out)
		}
		shared := itoa(int64(out["id"].(float64)))
		if resp, out := k.api("POST", "/api/v1/macros", annTok, `{"name": "Bad", "body": "{{customer.password}}"}`); resp.StatusCode != http.StatusBadRequest ||
			errorOf(t, out)["field"] != "body" {
			t.Fatalf("unknown placeholder: %d %v", resp.StatusCode, out)
		}

		for _, c := range []struct {
			method, path, token, body string
			want                      int
		}{
			{"GET", "/api/v1/macros/" + mine, bobTok, "", http.StatusNotFound},
			{"PATCH", "/api/v1/macros/" + mine, bobTok, `{"name": "Stolen"}`, http.StatusNotFound},
			{"DELETE", "/api/v1/macros/" + mine, bobTok, "", http.StatusNotFound},
			{"GET", "/api/v1/macros/" + mine, k.tok, "", http.StatusNotFound}, // admins too
			{"GET", "/api/v1/macros/" + mine, annTok, "", http.StatusOK},
			{"GET", "/api/v1/macros/" + shared, bobTok, "", http.StatusOK},
			{"PATCH", "/api/v1/macros/" + shared, bobTok, `{"name": "Mine now"}`, http.StatusForbidden},
			{"PATCH", "/api/v1/macros/" + mine, annTok, `{"name": "Renamed"}`, http.StatusOK},
			{"GET", "/api/v1/macros", "", "", http.StatusUnauthorized},
		} {
			if resp, out := k.api(c.method, c.path, c.token, c.body); resp.StatusCode != c.want {
				t.Errorf("%s %s: %d %v, want %d", c.method, c.path, resp.StatusCode, out, c.want)
			}
		}
		_, out = k.api("GET", "/api/v1/macros", bobTok, "")
		if items := out["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Shared" {
			t.Fatalf("bob's macros: %v", items)
		}

		id := k.ticketVia(`{"subject": "Kettle", "requester": {"email": "cy@example.com", "name": "Cy Young"}, "body": "hello"}`)
		resp, out = k.api("POST", "/api/v1/tickets/"+itoa(id)+"/macros/"+mine+"/preview", annTok, "")
		if resp.StatusCode != http.StatusOK || out["body"] != "Hi Cy" {
			t.Fatalf("preview: %d %v", resp.StatusCode, out)
		}
		if resp, _ := k.api("POST", "/api/v1/tickets/"+itoa(id)+"/macros/"+mine+"/preview", bobTok, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("preview of another's macro: %d", resp.StatusCode)
		}
	})
}

func TestMacroFillsTheComposerAndAppliesItsActionsWhenSent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "admin@example.com", "admin")
		id := k.ticketVia(`{"subject": "Refund <now>", "requester": {"email": "cy@example.com", "name": "Cy Young"}, "body": "hello"}`)

		// Made on the macros page, as a shared macro.
		resp := k.postForm(k.b, "/admin/macros", url.Values{"name": {"Refund done"}, "shared": {"on"},
			"body":   {"Hi {{customer.first_name}}, #{{ticket.number}} ({{ticket.subject}}) is refunded. {{agent.first_name}}"},
			"status": {"solved"}, "priority": {"low"}, "tags": {"refund, Done"}, "assignee": {"me"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create macro: %d\n%s", resp.StatusCode, body(t, resp))
		}
		list := k.page("/admin/macros")
		if !strings.Contains(list, "Refund done") {
			t.Fatalf("the macros page does not list it:\n%s", list)
		}
		macroID := int64(scalar(t, d, `SELECT id FROM macros WHERE name = 'Refund done'`))

		// An agent manages personal macros on the same page, but not shared ones.
		k.createUser("bob@example.com", "agent")
		bob := k.browser()
		k.signIn(bob, "bob@example.com")
		if resp := k.postForm(bob, "/admin/macros/"+itoa(macroID)+"/delete", nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent deletes a shared macro: %d", resp.StatusCode)
		}
		resp = k.postForm(bob, "/admin/macros", url.Values{"name": {"Bob's"}, "body": {"Cheers, {{agent.name}}"}, "shared": {"on"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent makes a shared macro from the page: %d", resp.StatusCode)
		}
		resp = k.postForm(bob, "/admin/macros", url.Values{"name": {"Bob's"}, "body": {"Cheers, {{agent.nickname}}"}})
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "unknown placeholder") ||
			!strings.Contains(page, "Bob&#39;s") {
			t.Fatalf("bad placeholder on the page: %d\n%s", resp.StatusCode, page)
		}
		if resp := k.postForm(bob, "/admin/macros", url.Values{"name": {"Bob's"}, "body": {"Cheers"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("an agent's personal macro: %d", resp.StatusCode)
		}
		if page := k.page("/admin/macros"); strings.Contains(page, "Bob&#39;s") {
			t.Fatal("the admin sees bob's personal macro")
		}

		// Choosing it fills the composer (page and htmx fragment) and changes nothing yet.
		page := k.page(fmt.Sprintf("/tickets/%d?macro=%d", id, macroID))
		want := fmt.Sprintf("Hi Cy, #%v (Refund &lt;now&gt;) is refunded. Name", k.ticketJSON(id)["number"])
		if !strings.Contains(page, want) || !strings.Contains(page, `name="macro_id" value="`+itoa(macroID)+`"`) {
			t.Fatalf("the composer is not filled with %q:\n%s", want, page)
		}
		frag := k.page(fmt.Sprintf("/tickets/%d/composer?macro=%d&body=Draft&kind=note", id, macroID))
		if !strings.HasPrefix(strings.TrimSpace(frag), `<form id="composer"`) || !strings.Contains(frag, "Draft\n\nHi Cy") ||
			!strings.Contains(frag, `value="note" checked`) {
			t.Fatalf("composer fragment:\n%s", frag)
		}
		if k.ticketJSON(id)["status"] != "new" {
			t.Fatal("choosing a macro changed the ticket")
		}

		// Sending applies its actions with the reply.
		resp = k.compose(id, map[string]string{"kind": "reply", "body": "Hi Cy, refunded.", "macro_id": itoa(macroID),
			"macro_actions_offered": "1", "apply_actions": "on"}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d\n%s", resp.StatusCode, body(t, resp))
		}
		tk := k.ticketJSON(id)
		if tk["status"] != "solved" || tk["priority"] != "low" || fmt.Sprint(tk["tags"]) != "[done refund]" || tk["assignee_id"] == nil {
			t.Fatalf("the macro's actions were not applied: %v", tk)
		}

		// Unticking "apply" sends the text alone.
		id2 := k.ticketVia(`{"subject": "Other", "requester": {"email": "cy@example.com"}, "body": "hello"}`)
		resp = k.compose(id2, map[string]string{"kind": "reply", "body": "Text only", "macro_id": itoa(macroID),
			"macro_actions_offered": "1"}, nil)
		if resp.StatusCode != http.StatusSeeOther || k.ticketJSON(id2)["status"] == "solved" {
			t.Fatalf("actions applied though unticked: %d %v", resp.StatusCode, k.ticketJSON(id2)["status"])
		}
	})
}

func TestCustomerPageListsTheirTickets(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "agent@example.com", "agent")
		first := k.ticketVia(`{"subject": "First <one>", "requester": {"email": "cy@example.com", "name": "Cy Young"}, "body": "a"}`)
		second := k.ticketVia(`{"subject": "Second by phone", "channel": "phone", "requester": {"email": "cy@example.com"}, "body": "b"}`)
		other := k.ticketVia(`{"subject": "Someone else's", "requester": {"email": "dee@example.com"}, "body": "c"}`)
		if resp, _ := k.api("PATCH", "/api/v1/tickets/"+itoa(second), k.tok, `{"status": "pending"}`); resp.StatusCode != http.StatusOK {
			t.Fatal("patch")
		}
		cust := int64(k.ticketJSON(first)["requester_id"].(float64))

		page := k.page("/customers/" + itoa(cust))
		i1 := strings.Index(page, `href="/tickets/`+itoa(first)+`"`)
		i2 := strings.Index(page, `href="/tickets/`+itoa(second)+`"`)
		if i1 < 0 || i2 < 0 || i2 > i1 {
			t.Fatalf("the customer's tickets are missing or not newest first:\n%s", page)
		}
		for _, want := range []string{"Cy Young", "cy@example.com", "First &lt;one&gt;", "phone", "pending", `id="customer-organization"`, `id="customer-feedback"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the customer page lacks %q", want)
			}
		}
		if strings.Contains(page, `href="/tickets/`+itoa(other)+`"`) {
			t.Fatal("the customer page lists another customer's ticket")
		}
		// The ticket page's sidebar tells the same story, marking the ticket on screen.
		side := k.page("/tickets/" + itoa(first))
		if !strings.Contains(side, `href="/tickets/`+itoa(second)+`"`) || !strings.Contains(side, `<a href="/tickets/`+itoa(first)+`" aria-current="page">`) {
			t.Fatalf("the ticket's customer sidebar:\n%s", side)
		}
		if resp := k.get(k.b, "/customers/999999"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown customer: %d", resp.StatusCode)
		}
	})
}
