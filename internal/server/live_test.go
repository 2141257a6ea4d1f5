package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// runningHarness is a harness whose server runs (Run), so the event bus,
// the live hub and presence work. Stop ends it and returns Run's error.
func runningHarness(t *testing.T, d *db.DB) (*harness, func() error) {
	t.Helper()
	return runningHarnessWith(t, d, newBox(t))
}

// runningHarnessWith is runningHarness sealing secrets with box, so the
// test can write mailboxes the server opens.
func runningHarnessWith(t *testing.T, d *db.DB, box *secret.Box) (*harness, func() error) {
	t.Helper()
	srv, err := server.New(testConfig(t), testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	select {
	case <-srv.Bus().Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the bus did not start")
	}
	return &harness{t: t, db: d, users: user.NewService(d, box, fastParams), url: "http://" + ln.Addr().String(), srv: srv}, stop
}

// stream is an open GET /live, read message by message.
type stream struct {
	t    *testing.T
	resp *http.Response
	msgs chan map[string]any
	raw  chan string
}

func (h *harness) openLive(c *http.Client, header ...string) *stream {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.url+"/live", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		h.t.Fatalf("GET /live: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &stream{t: h.t, resp: resp, msgs: make(chan map[string]any, 100), raw: make(chan string, 100)}
	go s.read()
	return s
}

func (s *stream) read() {
	defer close(s.msgs)
	sc := bufio.NewScanner(s.resp.Body)
	for sc.Scan() {
		line := sc.Text()
		select {
		case s.raw <- line:
		default:
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var m map[string]any
			if json.Unmarshal([]byte(data), &m) == nil {
				s.msgs <- m
			}
		}
	}
}

// next returns the next message of type typ, skipping others.
func (s *stream) next(typ string) map[string]any {
	s.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				s.t.Fatalf("the stream ended while waiting for %s", typ)
			}
			if m["type"] == typ {
				return m
			}
		case <-deadline:
			s.t.Fatalf("no %s message", typ)
		}
	}
}

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

func TestLiveStreamCarriesTicketsMessagesNotificationsAndPresence(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h, stop := runningHarness(t, d)
		ana := h.createUser("ana@example.com", "agent")
		bo := h.createUser("bo@example.com", "agent")
		boToken := h.token(bo)

		// Signed out: no stream, but the sign-in page.
		if resp := h.get(h.browser(), "/live"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signed-out GET /live: %d", resp.StatusCode)
		}
		anaBrowser, boBrowser := h.browser(), h.browser()
		h.signIn(anaBrowser, "ana@example.com")
		h.signIn(boBrowser, "bo@example.com")
		anaLive := h.openLive(anaBrowser)
		if m := anaLive.next("notification"); num(m["unread"]) != 0 {
			t.Fatalf("first message %v, want the unread count 0", m)
		}

		// A ticket created and assigned to Ana by Bo, through the API.
		resp, out := h.api("POST", "/api/v1/tickets", boToken,
			`{"subject": "Refund", "requester": {"email": "cu@example.com", "name": "Cu"}, "body": "Please."}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %v", resp.StatusCode, out)
		}
		id := num(out["id"])
		if m := anaLive.next("ticket"); num(m["id"]) != id || m["status"] != "new" || num(m["number"]) == 0 {
			t.Fatalf("ticket message %v", m)
		}
		h.api("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), boToken, fmt.Sprintf(`{"assignee_id": %d}`, ana.ID))
		for {
			m := anaLive.next("ticket")
			if m["event"] == "ticket.assignee_changed" {
				if num(m["assignee_id"]) != ana.ID {
					t.Fatalf("assignment message %v", m)
				}
				break
			}
		}
		if m := anaLive.next("notification"); num(m["unread"]) != 1 || num(m["ticket_id"]) != id ||
			m["kind"] != "assigned" || !strings.Contains(m["text"].(string), "assigned") {
			t.Fatalf("notification %v", m)
		}

		// Bo's note mentioning Ana: a message, then a notification.
		resp, out = h.api("POST", fmt.Sprintf("/api/v1/tickets/%d/messages", id), boToken,
			`{"body": "@ana can you check?", "kind": "note"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("note: %d %v", resp.StatusCode, out)
		}
		if m := anaLive.next("message"); num(m["ticket_id"]) != id || num(m["message_id"]) != num(out["id"]) || m["kind"] != "note" {
			t.Fatalf("message %v", m)
		}
		n := anaLive.next("notification")
		if num(n["unread"]) != 2 || n["kind"] != "mentioned" {
			t.Fatalf("mention %v", n)
		}

		// Presence: Bo views the ticket; Ana's stream says so, Bo's own
		// does not list Bo.
		boLive := h.openLive(boBrowser)
		path := fmt.Sprintf("/tickets/%d/presence", id)
		resp = h.postForm(boBrowser, path, url.Values{"state": {"viewing"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body(t, resp), `"agents":[]`) {
			t.Fatalf("presence: %d", resp.StatusCode)
		}
		p := anaLive.next("presence")
		agents, _ := p["agents"].([]any)
		if num(p["ticket_id"]) != id || len(agents) != 1 {
			t.Fatalf("presence for Ana %v", p)
		}
		if a := agents[0].(map[string]any); num(a["id"]) != bo.ID || a["state"] != "viewing" || a["name"] != bo.Name {
			t.Fatalf("presence entry %v", a)
		}
		if p := boLive.next("presence"); len(p["agents"].([]any)) != 0 {
			t.Fatalf("Bo is shown himself: %v", p)
		}
		// JSON works too, and Ana is then told Bo is there in the answer.
		req, _ := http.NewRequest("POST", h.url+path, strings.NewReader(`{"state": "replying"}`))
		req.Header.Set("Content-Type", "application/json")
		if resp := h.do(anaBrowser, req); resp.StatusCode != http.StatusOK || !strings.Contains(body(t, resp), `"state":"viewing"`) {
			t.Fatalf("JSON presence: %d", resp.StatusCode)
		}
		if p := boLive.next("presence"); !strings.Contains(fmt.Sprint(p["agents"]), "replying") {
			t.Fatalf("Bo does not see Ana replying: %v", p)
		}
		// Bad input names the field; an unknown ticket is not found; another
		// origin is refused.
		if resp := h.postForm(boBrowser, path, url.Values{"state": {"typing"}}); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(body(t, resp), "must be viewing, replying or left") {
			t.Fatalf("bad state: %d", resp.StatusCode)
		}
		if resp := h.postForm(boBrowser, "/tickets/999999/presence", url.Values{"state": {"viewing"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown ticket: %d", resp.StatusCode)
		}
		if resp := h.postForm(boBrowser, path, url.Values{"state": {"left"}}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site presence: %d", resp.StatusCode)
		}

		// A client coming back with Last-Event-ID is told to reload.
		again := h.openLive(anaBrowser, "Last-Event-ID", "5")
		if m := <-again.msgs; m["type"] != "resync" {
			t.Fatalf("first message after a reconnect %v", m)
		}

		// Shutting down ends the open streams rather than waiting for them.
		if err := stop(); err != nil {
			t.Fatalf("shutdown with open streams: %v", err)
		}
		for range anaLive.msgs {
		}
	})
}

func TestNotificationsPageAndBell(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h, _ := runningHarness(t, d)
		ana := h.createUser("ana@example.com", "agent")
		bo := h.createUser("bo@example.com", "agent")
		boToken := h.token(bo)
		anaBrowser, boBrowser := h.browser(), h.browser()
		h.signIn(anaBrowser, "ana@example.com")
		h.signIn(boBrowser, "bo@example.com")
		anaLive := h.openLive(anaBrowser)
		anaLive.next("notification") // the count on connecting

		resp, out := h.api("POST", "/api/v1/tickets", boToken,
			`{"subject": "Broken <b>toaster</b>", "requester": {"email": "cu@example.com", "name": "Cu"}, "body": "Please."}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %v", resp.StatusCode, out)
		}
		id := num(out["id"])
		h.api("POST", fmt.Sprintf("/api/v1/tickets/%d/messages", id), boToken,
			`{"body": "@\"Name of ana@example.com\" have a look", "kind": "note"}`)
		nid := num(anaLive.next("notification")["id"])

		page := body(t, h.get(anaBrowser, "/notifications"))
		for _, want := range []string{`id="notifications-count" class="count">1<`, "mentioned you on #",
			"Broken &lt;b&gt;toaster&lt;/b&gt;", fmt.Sprintf(`action="/notifications/%d/read"`, nid)} {
			if !strings.Contains(page, want) {
				t.Fatalf("notifications page lacks %q:\n%s", want, page)
			}
		}
		if page := body(t, h.get(boBrowser, "/notifications")); strings.Contains(page, "mentioned you") ||
			!strings.Contains(page, `class="count" hidden>0<`) {
			t.Fatalf("Bo sees Ana's notification or a count:\n%s", page)
		}
		// Another's notification cannot be marked; one's own opens its ticket.
		read := fmt.Sprintf("/notifications/%d/read", nid)
		if resp := h.postForm(boBrowser, read, url.Values{"open": {"1"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("Bo marking Ana's: %d", resp.StatusCode)
		}
		resp = h.postForm(anaBrowser, read, url.Values{"open": {"1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/tickets/%d", id) {
			t.Fatalf("open notification: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if page := body(t, h.get(anaBrowser, "/notifications")); !strings.Contains(page, `class="count" hidden>0<`) {
			t.Fatalf("count after reading:\n%s", page)
		}
		if resp := h.postForm(anaBrowser, "/notifications/read", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark all read: %d", resp.StatusCode)
		}
		_ = ana
	})
}
