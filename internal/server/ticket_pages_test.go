package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// deskOf is a harness with a signed-in agent (and their API token), for the
// ticket page tests.
type deskOf struct {
	*harness
	b   *http.Client
	tok string // the agent's API token
}

func newDesk(t *testing.T, d *db.DB, email, role string) *deskOf {
	h := newHarness(t, d)
	u := h.createUser(email, role)
	b := h.browser()
	h.signIn(b, email)
	return &deskOf{harness: h, b: b, tok: h.token(u)}
}

// ticketVia opens a ticket through the API and returns its id.
func (k *deskOf) ticketVia(body string) int64 {
	k.t.Helper()
	resp, out := k.api("POST", "/api/v1/tickets", k.tok, body)
	if resp.StatusCode != http.StatusCreated {
		k.t.Fatalf("create ticket: %d %v", resp.StatusCode, out)
	}
	return int64(out["id"].(float64))
}

func (k *deskOf) page(path string) string {
	k.t.Helper()
	resp := k.get(k.b, path)
	page := body(k.t, resp)
	if resp.StatusCode != http.StatusOK {
		k.t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, page)
	}
	return page
}

// compose posts the composer as a browser does: multipart, with files.
func (k *deskOf) compose(id int64, fields map[string]string, files map[string][]byte) *http.Response {
	k.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, v := range fields {
		mw.WriteField(name, v)
	}
	for name, content := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			k.t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, k.url+"/tickets/"+itoa(id)+"/messages", &buf)
	if err != nil {
		k.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return k.do(k.b, req)
}

func (k *deskOf) ticketJSON(id int64) map[string]any {
	k.t.Helper()
	resp, out := k.api("GET", "/api/v1/tickets/"+itoa(id), k.tok, "")
	if resp.StatusCode != http.StatusOK {
		k.t.Fatalf("get ticket: %d", resp.StatusCode)
	}
	return out
}

func (k *deskOf) eventTypes(id int64) []string {
	k.t.Helper()
	_, out := k.api("GET", "/api/v1/tickets/"+itoa(id)+"/events", k.tok, "")
	var types []string
	for _, e := range out["items"].([]any) {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	return types
}

func scalar(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTicketPageShowsRepliesAndNotesApartSafely(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "agent@example.com", "agent")
		id := k.ticketVia(`{"subject": "Kettle <b>broke</b>", "requester": {"email": "ann@example.com", "name": "Ann Lee"},
			"body_html": "<p>It <em>broke</em></p><script>alert(1)</script><img src=x onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">x</a>"}`)
		if resp, out := k.api("POST", "/api/v1/tickets/"+itoa(id)+"/messages", k.tok,
			`{"kind": "note", "body": "Customer is <script>alert(4)</script> upset"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("note: %d %v", resp.StatusCode, out)
		}

		page := k.page("/tickets/" + itoa(id))
		for _, want := range []string{
			`<div id="conversation" data-ticket-id="` + itoa(id) + `"`,
			`class="message reply author-Customer"`, `class="message note author-Agent"`,
			`Internal note`, `aria-label="Internal note from`,
			`<em>broke</em>`, `Kettle &lt;b&gt;broke&lt;/b&gt;`, `Customer is &lt;script&gt;alert(4)&lt;/script&gt; upset`,
			`<form id="composer"`, `<textarea id="composer-body" name="body"`, `id="presence" data-ticket-id="` + itoa(id) + `"`,
			`Ann Lee`, `id="properties"`, `History`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the ticket page lacks %q", want)
			}
		}
		for _, bad := range []string{"<script>alert", "onerror", "javascript:alert", "alert(2)"} {
			if strings.Contains(page, bad) {
				t.Errorf("the ticket page contains %q", bad)
			}
		}

		// The live fragment after the first message holds only the note.
		ids := regexp.MustCompile(`id="message-(\d+)"`).FindAllStringSubmatch(page, -1)
		if len(ids) != 2 {
			t.Fatalf("%d messages on the page, want 2", len(ids))
		}
		frag := k.page("/tickets/" + itoa(id) + "/conversation?after=" + ids[0][1])
		if strings.Contains(frag, "<html") || !strings.Contains(frag, `id="message-`+ids[1][1]+`"`) ||
			strings.Contains(frag, `id="message-`+ids[0][1]+`"`) {
			t.Fatalf("conversation fragment after %s:\n%s", ids[0][1], frag)
		}
		if resp := k.get(k.browser(), "/tickets/"+itoa(id)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signed-out ticket page: %d, want a redirect to sign in", resp.StatusCode)
		}
	})
}

func TestNoteIsNeverEmailedButReplyIs(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "admin@example.com", "admin")
		if resp, out := k.api("POST", "/api/v1/mailboxes", k.tok,
			`{"address": "help@desk.test", "smtp_host": "127.0.0.1", "smtp_port": 2525, "smtp_security": "none"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("mailbox: %d %v", resp.StatusCode, out)
		}
		id := k.ticketVia(`{"subject": "Hi", "requester": {"email": "ann@example.com"}, "body": "hello"}`)
		replies := func() int { return scalar(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'email.reply'`) }

		resp := k.compose(id, map[string]string{"kind": "note", "body": "internal **only** <script>alert(5)</script>"}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("note: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if n := replies(); n != 0 {
			t.Fatalf("a note queued %d emails", n)
		}
		resp = k.compose(id, map[string]string{"kind": "reply", "body": "Hello **Ann**"}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if n := replies(); n != 1 {
			t.Fatalf("a reply queued %d emails, want 1", n)
		}
		page := k.page("/tickets/" + itoa(id))
		if !strings.Contains(page, "<strong>Ann</strong>") || !strings.Contains(page, "Email queued") ||
			!strings.Contains(page, "<strong>only</strong>") || strings.Contains(page, "<script>alert(5)") {
			t.Fatalf("the reply's formatting or delivery state is missing:\n%s", page)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM messages WHERE ticket_id = $1 AND body_text = $2`, id, "Hello **Ann**"); n != 1 {
			t.Fatalf("the text part is not kept as written (%d)", n)
		}
	})
}

func TestReplyWithAttachmentAndSendAndSolve(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "agent@example.com", "agent")
		id := k.ticketVia(`{"subject": "Hi", "requester": {"email": "ann@example.com"}, "body": "hello"}`)
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
		resp := k.compose(id, map[string]string{"kind": "reply", "body": "See the files", "then_status": "solved"},
			map[string][]byte{"notes.txt": []byte("some notes"), "shot.png": png})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/tickets/"+itoa(id)+"#message-") {
			t.Fatalf("send and solve: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body(t, resp))
		}
		if got := k.ticketJSON(id)["status"]; got != "solved" {
			t.Fatalf("status %v after send and solve", got)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = $1`, id); n != 2 {
			t.Fatalf("%d attachments stored with the reply, want 2", n)
		}
		page := k.page("/tickets/" + itoa(id))
		m := regexp.MustCompile(`<a href="/attachments/(\d+)" download="notes.txt">notes.txt</a>`).FindStringSubmatch(page)
		if m == nil || !regexp.MustCompile(`<img src="/attachments/\d+" alt="shot.png"`).MatchString(page) {
			t.Fatalf("the attachments are not listed (image previewed):\n%s", page)
		}
		resp = k.get(k.b, "/attachments/"+m[1])
		if got := body(t, resp); resp.StatusCode != http.StatusOK || got != "some notes" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %q %q", resp.StatusCode, got, resp.Header.Get("Content-Disposition"))
		}

		// A problem keeps the draft: an unknown status to set.
		resp = k.compose(id, map[string]string{"kind": "reply", "body": "Kept draft", "then_status": "closed"}, nil)
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Kept draft") ||
			!strings.Contains(page, "then_status") {
			t.Fatalf("bad then_status: %d\n%s", resp.StatusCode, page)
		}
	})
}

func TestAttachmentsFollowTheAPIRules(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "agent@example.com", "agent")
		other := k.createUser("other@example.com", "agent")
		// Another agent's upload, not yet attached to any message, is theirs alone.
		req, _ := http.NewRequest("POST", k.url+"/api/v1/attachments?filename=draft.txt", strings.NewReader("draft"))
		req.Header.Set("Authorization", "Bearer "+k.token(other))
		req.Header.Set("Content-Type", "text/plain")
		resp := k.do(http.DefaultClient, req)
		var up struct{ ID int64 }
		if err := json.NewDecoder(resp.Body).Decode(&up); err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload: %d %v", resp.StatusCode, err)
		}
		if resp := k.get(k.b, "/attachments/"+itoa(up.ID)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another agent's unattached upload: %d, want 404", resp.StatusCode)
		}
		if resp := k.get(k.browser(), "/attachments/"+itoa(up.ID)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signed out: %d, want a redirect to sign in", resp.StatusCode)
		}
	})
}

func TestPropertiesFormChangesTheTicket(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d, "admin@example.com", "admin")
		agent := k.createUser("bob@example.com", "agent")
		if resp, out := k.api("POST", "/api/v1/custom-statuses", k.tok,
			`{"key": "waiting_on_vendor", "label": "Waiting on vendor", "category": "on_hold"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("custom status: %d %v", resp.StatusCode, out)
		}
		if resp, out := k.api("POST", "/api/v1/custom-fields", k.tok,
			`{"key": "order_no", "label": "Order number", "type": "number"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("custom field: %d %v", resp.StatusCode, out)
		}
		id := k.ticketVia(`{"subject": "Hi", "requester": {"email": "ann@example.com"}, "body": "hello"}`)
		path := "/tickets/" + itoa(id) + "/properties"

		// Without JavaScript: post and redirect.
		resp := k.postForm(k.b, path, url.Values{"status": {"pending"}, "priority": {"high"},
			"assignee_id": {itoa(agent.ID)}, "team_id": {""}, "tags": {"Billing, vip"}, "cf.order_no": {"42"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tickets/"+itoa(id) {
			t.Fatalf("properties: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body(t, resp))
		}
		tk := k.ticketJSON(id)
		if tk["status"] != "pending" || tk["priority"] != "high" || tk["assignee_id"] != float64(agent.ID) ||
			fmt.Sprint(tk["tags"]) != "[billing vip]" || fmt.Sprint(tk["custom_fields"]) != "map[order_no:42]" {
			t.Fatalf("ticket after the form: %v", tk)
		}
		types := strings.Join(k.eventTypes(id), ",")
		for _, want := range []string{"ticket.status_changed", "ticket.priority_changed", "ticket.assignee_changed", "ticket.tags_changed", "ticket.field_changed"} {
			if !strings.Contains(types, want) {
				t.Errorf("events %s lack %s", types, want)
			}
		}

		// With htmx: the panel comes back alone; a custom status works.
		resp = k.postForm(k.b, path, url.Values{"status": {"waiting_on_vendor"}}, "HX-Request", "true")
		panel := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(panel), `<section id="properties"`) ||
			!strings.Contains(panel, `<option value="waiting_on_vendor" selected>`) {
			t.Fatalf("htmx properties: %d\n%s", resp.StatusCode, panel)
		}
		if cs, _ := k.ticketJSON(id)["custom_status"].(map[string]any); cs["key"] != "waiting_on_vendor" {
			t.Fatalf("custom status not set: %v", cs)
		}

		// A bad value is shown next to its field, and nothing changes.
		resp = k.postForm(k.b, path, url.Values{"priority": {"low"}, "cf.order_no": {"many"}}, "HX-Request", "true")
		panel = body(t, resp)
		if !strings.Contains(panel, `id="prop-cf.order_no-error"`) || !strings.Contains(panel, `aria-invalid="true"`) {
			t.Fatalf("the error is not next to the field:\n%s", panel)
		}
		if k.ticketJSON(id)["priority"] != "high" {
			t.Fatal("a refused form changed the priority")
		}
		resp = k.postForm(k.b, path, url.Values{"status": {"nonsense"}})
		if page := body(t, resp); resp.StatusCode < 400 || !strings.Contains(page, `id="prop-status-error"`) {
			t.Fatalf("bad status without htmx: %d", resp.StatusCode)
		}
	})
}
