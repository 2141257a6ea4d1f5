package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

var formTokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// newTicketForm opens GET /tickets/new and returns its form with the token
// filled in, and fields set.
func (k *deskOf) newTicketForm(fields map[string]string) url.Values {
	k.t.Helper()
	m := formTokenRE.FindStringSubmatch(k.page("/tickets/new"))
	if m == nil {
		k.t.Fatal("the new ticket page has no form token")
	}
	form := url.Values{"form_token": {m[1]}, "channel": {"phone"}, "kind": {"note"}}
	for name, v := range fields {
		form.Set(name, v)
	}
	return form
}

func TestNewTicketPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "admin@example.com", "admin")
		if resp, out := k.api("POST", "/api/v1/mailboxes", k.tok,
			`{"address": "help@desk.test", "smtp_host": "127.0.0.1", "smtp_port": 2525, "smtp_security": "none"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("mailbox: %d %v", resp.StatusCode, out)
		}
		k.ticketVia(`{"subject": "Earlier", "requester": {"email": "ann@example.com", "name": "Ann Example"}, "body": "hello"}`)
		replies := func() int { return scalar(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'email.reply'`) }
		if page := k.page("/inbox"); !strings.Contains(page, `href="/tickets/new"`) {
			t.Fatal("the workspace has no New ticket button")
		}

		// Bad input: the page comes back with the problem beside its field
		// and what was typed kept.
		bad := []struct {
			name   string
			fields map[string]string
			status int
			field  string
		}{
			{"no customer", map[string]string{"subject": "Call", "body": "Typed text 1"}, 400, `id="customer-error"`},
			{"new customer without email or phone", map[string]string{"customer_id": "new", "new_name": "Nia",
				"subject": "Call", "body": "Typed text 2"}, 400, `id="new-email-error"`},
			{"bad phone", map[string]string{"customer_id": "new", "new_phone": "12ab", "subject": "Call",
				"body": "Typed text 3"}, 400, `id="new-phone-error"`},
			{"no subject", map[string]string{"customer_id": "new", "new_phone": "+44 20 7946 0958", "subject": " ",
				"body": "Typed text 4"}, 400, `id="subject-error"`},
			{"channel of its own", map[string]string{"customer_id": "new", "new_phone": "+44 20 7946 0958",
				"subject": "Call", "channel": "email", "body": "Typed text 5"}, 400, `id="channel-error"`},
			{"reply to a phone-only customer", map[string]string{"customer_id": "new", "new_phone": "+44 20 7946 0958",
				"subject": "Call", "kind": "reply", "body": "Typed text 6"}, 422, `id="kind-error"`},
		}
		for _, b := range bad {
			resp := k.postForm(k.b, "/tickets/new", k.newTicketForm(b.fields))
			page := body(t, resp)
			if resp.StatusCode != b.status || !strings.Contains(page, b.field) || !strings.Contains(page, b.fields["body"]) {
				t.Errorf("%s: %d (want %d with %s and the text kept)\n%s", b.name, resp.StatusCode, b.status, b.field, page)
			}
		}
		if n := count(t, d, "tickets"); n != 1 {
			t.Fatalf("bad input left %d tickets, want 1", n)
		}
		if n := count(t, d, "customers"); n != 1 {
			t.Fatalf("bad input left %d customers, want 1 (the new customer rolls back with the ticket)", n)
		}
		if resp := k.postForm(k.b, "/tickets/new", url.Values{"customer_id": {"new"}, "new_phone": {"+44 20 7946 0958"},
			"subject": {"Call"}, "channel": {"phone"}, "kind": {"note"}, "body": {"x"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("without the form token: %d", resp.StatusCode)
		}

		// A caller who is new, as an internal note; the form sent twice
		// makes one ticket and both sends go to it.
		form := k.newTicketForm(map[string]string{"customer_id": "new", "new_name": "Nia Caller",
			"new_phone": "+44 20 7946 0958", "subject": "Called about her order", "body": "Wants a refund."})
		first := k.postForm(k.b, "/tickets/new", form)
		again := k.postForm(k.b, "/tickets/new", form)
		loc := first.Header.Get("Location")
		if first.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/tickets/") ||
			again.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != loc {
			t.Fatalf("create: %d to %q, again: %d to %q\n%s", first.StatusCode, loc, again.StatusCode,
				again.Header.Get("Location"), body(t, first))
		}
		if n := count(t, d, "tickets"); n != 2 {
			t.Fatalf("%d tickets after a double send, want 2", n)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM tickets t JOIN customers c ON c.id = t.requester_id
			WHERE c.name = 'Nia Caller' AND t.channel = 'phone' AND t.status = 'open'`); n != 1 {
			t.Fatalf("the caller's ticket: %d", n)
		}
		if n := replies(); n != 0 {
			t.Fatalf("a note queued %d emails", n)
		}
		// Back in the browser, changed and sent again: refused once with a
		// fresh token, which then opens a second ticket.
		form.Set("subject", "Called again")
		resp := k.postForm(k.b, "/tickets/new", form)
		page := body(t, resp)
		m := formTokenRE.FindStringSubmatch(page)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already opened a ticket") || m == nil || m[1] == form.Get("form_token") {
			t.Fatalf("the token sent again with changes: %d\n%s", resp.StatusCode, page)
		}
		form.Set("form_token", m[1])
		// The caller is known now: their number is refused for a new
		// customer, beside its field; chosen as they are, it works.
		resp = k.postForm(k.b, "/tickets/new", form)
		if page := body(t, resp); resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="new-phone-error"`) {
			t.Fatalf("a new customer with a known number: %d\n%s", resp.StatusCode, page)
		}
		form.Set("customer_id", itoa(int64(scalar(t, d, `SELECT id FROM customers WHERE name = 'Nia Caller'`))))
		if resp := k.postForm(k.b, "/tickets/new", form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == loc {
			t.Fatalf("with the fresh token: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body(t, resp))
		}
		if page := k.page(loc); !strings.Contains(page, "Wants a refund.") || !strings.Contains(page, "Called about her order") {
			t.Fatalf("the new ticket's page:\n%s", page)
		}

		// The search as you type finds customers by phone and by name.
		if frag := k.page("/customers/lookup?q=7946"); !strings.Contains(frag, "Nia Caller") || !strings.Contains(frag, `name="customer_id"`) {
			t.Fatalf("lookup by phone:\n%s", frag)
		}
		if frag := k.page("/customers/lookup?q=ann"); !strings.Contains(frag, "ann@example.com") || strings.Contains(frag, "Nia") {
			t.Fatalf("lookup by name:\n%s", frag)
		}
		// Without script, Find sends the form back with the results.
		if page := k.page("/tickets/new?q=Nia&subject=Kept"); !strings.Contains(page, "Nia Caller") || !strings.Contains(page, `value="Kept"`) {
			t.Fatalf("find without script:\n%s", page)
		}

		// An existing customer who walked in, answered by email: the reply
		// goes out through the outbound mail queue.
		ann := scalar(t, d, `SELECT customer_id FROM customer_identities WHERE value = 'ann@example.com'`)
		resp = k.postForm(k.b, "/tickets/new", k.newTicketForm(map[string]string{"customer_id": itoa(int64(ann)),
			"channel": "walk_in", "kind": "reply", "subject": "Your visit", "body": "As discussed at the desk."}))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply ticket: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if n := replies(); n != 1 {
			t.Fatalf("the emailed first message queued %d emails, want 1", n)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM email_messages WHERE direction = 'out' AND to_addrs LIKE '%ann@example.com%'`); n != 1 {
			t.Fatalf("%d outgoing email records to Ann", n)
		}
		// Another site cannot make the agent's browser open tickets.
		if resp := k.postForm(k.b, "/tickets/new", k.newTicketForm(map[string]string{"customer_id": itoa(int64(ann)),
			"subject": "x", "body": "x"}), "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site: %d", resp.StatusCode)
		}
	})
}

func TestCustomerPageEditsAndMerges(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "agent@example.com", "agent")
		create := func(body string) int64 {
			resp, out := k.api("POST", "/api/v1/customers", k.tok, body)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("customer: %d %v", resp.StatusCode, out)
			}
			return int64(out["id"].(float64))
		}
		ada := create(`{"email": "ada@example.com", "name": "Ada"}`)
		bob := create(`{"email": "bob@example.com", "name": "Bob", "identities": [{"kind": "phone", "value": "+1 202 555 0100"}]}`)
		k.ticketVia(`{"subject": "Bob's printer", "requester": {"email": "bob@example.com"}, "body": "hello"}`)
		adaPath := "/customers/" + itoa(ada)
		post := func(path string, form url.Values) (*http.Response, string) {
			resp := k.postForm(k.b, path, form)
			return resp, body(t, resp)
		}

		resp, page := post(adaPath+"/edit", url.Values{"name": {"Ada Lovelace"}, "notes": {"Prefers phone"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", resp.StatusCode, page)
		}
		if page := k.page(adaPath); !strings.Contains(page, "Ada Lovelace") || !strings.Contains(page, "Prefers phone") {
			t.Fatalf("after edit:\n%s", page)
		}
		if resp, page := post(adaPath+"/edit", url.Values{"name": {" "}, "notes": {"Typed notes"}}); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "Not saved") || !strings.Contains(page, "Typed notes") {
			t.Fatalf("an empty name: %d\n%s", resp.StatusCode, page)
		}
		if resp, _ := post(adaPath+"/edit", url.Values{"name": {"Ada"}, "organization_id": {"x"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a bad organization: %d", resp.StatusCode)
		}

		// Identities: a national number with no phone region is refused;
		// an international one is stored in E.164.
		if resp, page := post(adaPath+"/identities", url.Values{"kind": {"phone"}, "value": {"020 7946 0000"}}); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "020 7946 0000") {
			t.Fatalf("a national number: %d\n%s", resp.StatusCode, page)
		}
		if resp, page := post(adaPath+"/identities", url.Values{"kind": {"phone"}, "value": {"+44 20 7946 0000"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add phone: %d\n%s", resp.StatusCode, page)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM customer_identities WHERE customer_id = $1 AND value = '+442079460000'`, ada); n != 1 {
			t.Fatal("the phone number is not stored in E.164")
		}
		if resp, page := post(adaPath+"/identities", url.Values{"kind": {"fax"}, "value": {"1"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a bad kind: %d\n%s", resp.StatusCode, page)
		}
		// Bob's address is Bob's: refused, with an offer to merge him in.
		resp, page = post(adaPath+"/identities", url.Values{"kind": {"email"}, "value": {"BOB@example.com"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `href="`+adaPath+`/merge?from=`+itoa(bob)+`"`) {
			t.Fatalf("another customer's address: %d\n%s", resp.StatusCode, page)
		}
		phoneID := scalar(t, d, `SELECT id FROM customer_identities WHERE value = '+442079460000'`)
		emailID := scalar(t, d, `SELECT id FROM customer_identities WHERE value = 'ada@example.com'`)
		if resp, page := post(adaPath+"/identities/"+itoa(int64(phoneID))+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%s", resp.StatusCode, page)
		}
		if resp, page := post(adaPath+"/identities/"+itoa(int64(emailID))+"/delete", nil); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "only identity") {
			t.Fatalf("remove the last identity: %d\n%s", resp.StatusCode, page)
		}
		if resp, _ := post(adaPath+"/identities/999999/delete", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("remove an unknown identity: %d", resp.StatusCode)
		}

		// Merge: the confirmation says what moves, then Bob moves.
		confirm := k.page(adaPath + "/merge?from=" + itoa(bob))
		for _, want := range []string{"Bob&#39;s printer", "bob@example.com", "12025550100", `name="from" value="` + itoa(bob) + `"`} {
			if !strings.Contains(confirm, want) {
				t.Fatalf("the confirmation lacks %q:\n%s", want, confirm)
			}
		}
		for _, from := range []string{"abc", itoa(ada), "999999"} {
			if resp := k.get(k.b, adaPath+"/merge?from="+from); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("merge from %s: %d", from, resp.StatusCode)
			}
		}
		if frag := k.page("/customers/lookup?merge_into=" + itoa(ada) + "&q=example"); !strings.Contains(frag, "/merge?from="+itoa(bob)) ||
			strings.Contains(frag, "from="+itoa(ada)) {
			t.Fatalf("merge search:\n%s", frag)
		}
		if resp, page := post(adaPath+"/merge", url.Values{"from": {itoa(bob)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("merge: %d\n%s", resp.StatusCode, page)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM tickets WHERE requester_id = $1`, ada); n != 1 {
			t.Fatalf("Ada has %d tickets after the merge, want Bob's 1", n)
		}
		if resp := k.get(k.b, "/customers/"+itoa(bob)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("Bob after the merge: %d", resp.StatusCode)
		}
		if resp, _ := post(adaPath+"/merge", url.Values{"from": {itoa(bob)}}); resp.StatusCode < 400 {
			t.Fatalf("merging Bob again: %d", resp.StatusCode)
		}
		if resp, _ := post(adaPath+"/merge", url.Values{"from": {"x"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("merge from x: %d", resp.StatusCode)
		}
		// Signed out, or from another site, nothing changes.
		if resp := k.postForm(k.browser(), adaPath+"/edit", url.Values{"name": {"Mallory"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("signed out: %d", resp.StatusCode)
		}
		if resp := k.postForm(k.b, adaPath+"/edit", url.Values{"name": {"Mallory"}}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site: %d", resp.StatusCode)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM customers WHERE name = 'Mallory'`); n != 0 {
			t.Fatal("a refused edit changed the customer")
		}
	})
}
