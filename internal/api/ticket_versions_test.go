package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// doIfMatch sends a request with an If-Match header.
func (c *client) doIfMatch(method, path, body, ifMatch string) *httptest.ResponseRecorder {
	c.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+c.token)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("If-Match", ifMatch)
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	return rec
}

// newVersionedTicket opens a ticket and returns it with its path.
func (c *client) newVersionedTicket() (ticket.Ticket, string) {
	c.t.Helper()
	var tk ticket.Ticket
	c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
	return tk, "/api/v1/tickets/" + itoa(tk.ID)
}

func TestTicketVersionAndETag(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		tk, path := c.newVersionedTicket()
		if tk.Version != 1 {
			t.Fatalf("a new ticket is at version %d, want 1", tk.Version)
		}
		rec := c.do("GET", path, "", "")
		c.want(rec, http.StatusOK, &tk)
		if got := rec.Header().Get("ETag"); got != `"1"` {
			t.Fatalf("GET ETag %q, want \"1\"", got)
		}
		rec = c.do("PATCH", path, `{"status": "open"}`, "")
		c.want(rec, http.StatusOK, &tk)
		if tk.Version != 2 || rec.Header().Get("ETag") != `"2"` {
			t.Fatalf("after a change: version %d, ETag %q; want 2", tk.Version, rec.Header().Get("ETag"))
		}
		// A PATCH that changes nothing leaves the version alone.
		c.want(c.do("PATCH", path, `{"status": "open"}`, ""), http.StatusOK, &tk)
		if tk.Version != 2 {
			t.Fatalf("a no-op PATCH moved the version to %d", tk.Version)
		}
		// A message changes the ticket row (updated_at, first reply): a new version.
		c.want(c.do("POST", path+"/messages", `{"body": "On it."}`, ""), http.StatusCreated, nil)
		c.want(c.do("GET", path, "", ""), http.StatusOK, &tk)
		if tk.Version != 3 {
			t.Fatalf("after a reply: version %d, want 3", tk.Version)
		}
	})
}

func TestIfMatch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		_, path := c.newVersionedTicket()

		var tk ticket.Ticket
		rec := c.doIfMatch("PATCH", path, `{"priority": "high"}`, `"1"`)
		c.want(rec, http.StatusOK, &tk)
		if tk.Priority != "high" || tk.Version != 2 || rec.Header().Get("ETag") != `"2"` {
			t.Fatalf("a current If-Match: %+v, ETag %q", tk, rec.Header().Get("ETag"))
		}

		// Stale: 412 with the ticket as it is, and nothing changed.
		events := c.count("events")
		rec = c.doIfMatch("PATCH", path, `{"priority": "low", "tags": ["stale"]}`, `"1"`)
		c.want(rec, http.StatusPreconditionFailed, &tk)
		if tk.Priority != "high" || tk.Version != 2 || rec.Header().Get("ETag") != `"2"` {
			t.Fatalf("412 body %+v, ETag %q: want the current ticket at version 2", tk, rec.Header().Get("ETag"))
		}
		if got := c.count("events"); got != events {
			t.Fatalf("a stale PATCH appended %d events", got-events)
		}
		c.want(c.do("GET", path, "", ""), http.StatusOK, &tk)
		if tk.Priority != "high" || len(tk.Tags) != 1 || tk.Tags[0] != "billing" {
			t.Fatalf("a stale PATCH changed the ticket: %+v", tk)
		}

		// The other writes to a ticket honour it too, and a stale one adds nothing.
		messages := c.count("messages")
		c.want(c.doIfMatch("POST", path+"/messages", `{"body": "Late."}`, `"1"`), http.StatusPreconditionFailed, &tk)
		if got := c.count("messages"); got != messages || tk.Version != 2 {
			t.Fatalf("a stale reply: %d messages added, body version %d", got-messages, tk.Version)
		}
		c.want(c.doIfMatch("POST", path+"/messages", `{"body": "In time.", "then_status": "pending"}`, `W/"2"`),
			http.StatusCreated, nil)
		other, otherPath := c.newVersionedTicket()
		c.want(c.doIfMatch("POST", path+"/links", `{"ticket_id": `+itoa(other.ID)+`, "type": "related"}`, `"2"`),
			http.StatusPreconditionFailed, nil)
		c.want(c.doIfMatch("POST", otherPath+"/merge", `{"into": `+itoa(tk.ID)+`}`, `"7"`), http.StatusPreconditionFailed, nil)
		c.want(c.do("GET", otherPath, "", ""), http.StatusOK, &other)
		if other.Status == "closed" {
			t.Fatal("a stale merge merged")
		}
		c.want(c.doIfMatch("PATCH", path, `{"priority": "urgent"}`, `*`), http.StatusOK, &tk)

		// Bad headers are named; a bulk change cannot be conditional.
		for _, bad := range []string{`1`, `"x"`, `"1", "2"`} {
			rec := c.doIfMatch("PATCH", path, `{"priority": "low"}`, bad)
			c.want(rec, http.StatusBadRequest, nil)
			if !strings.Contains(rec.Body.String(), `"If-Match"`) {
				t.Fatalf("If-Match %s: %s", bad, rec.Body)
			}
		}
		c.want(c.doIfMatch("POST", "/api/v1/tickets/bulk", `{"ids": [`+itoa(tk.ID)+`], "patch": {"priority": "low"}}`, `"3"`),
			http.StatusBadRequest, nil)
		c.want(c.doIfMatch("PATCH", "/api/v1/tickets/999", `{"priority": "low"}`, `"1"`), http.StatusNotFound, nil)
	})
}

// TestIfMatchRace: two PATCHes made against the same version race; exactly
// one wins and the other is told the ticket moved on.
func TestIfMatchRace(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		tk, path := c.newVersionedTicket()
		const n = 6
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				body := `{"subject": "Racer ` + itoa(int64(i)) + `"}`
				codes[i] = c.doIfMatch("PATCH", path, body, `"1"`).Code
			})
		}
		wg.Wait()
		won, lost := 0, 0
		for _, code := range codes {
			switch code {
			case http.StatusOK:
				won++
			case http.StatusPreconditionFailed:
				lost++
			default:
				t.Fatalf("status %d (all: %v)", code, codes)
			}
		}
		if won != 1 || lost != n-1 {
			t.Fatalf("%d won and %d lost, want exactly one winner: %v", won, lost, codes)
		}
		c.want(c.do("GET", path, "", ""), http.StatusOK, &tk)
		if tk.Version != 2 {
			t.Fatalf("version %d after one winning change, want 2", tk.Version)
		}
	})
}

// TestIfMatchIsDocumented: the writes the document says honour If-Match
// do (a malformed one is refused by name), and say 412.
func TestIfMatchIsDocumented(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		tk, _ := c.newVersionedTicket()
		var doc struct {
			Paths map[string]map[string]struct {
				Parameters []struct{ Name, In string }
				Responses  map[string]any
			}
		}
		c.want(c.do("GET", "/api/v1/openapi.json", "", ""), http.StatusOK, &doc)
		found := 0
		for path, ops := range doc.Paths {
			for method, o := range ops {
				conditional := false
				for _, p := range o.Parameters {
					conditional = conditional || (p.Name == "If-Match" && p.In == "header")
				}
				if !conditional {
					continue
				}
				found++
				if _, ok := o.Responses["412"]; !ok {
					t.Errorf("%s %s takes If-Match but documents no 412", method, path)
				}
				url := strings.NewReplacer("{id}", itoa(tk.ID), "{link_id}", "1").Replace(path)
				rec := c.doIfMatch(strings.ToUpper(method), url, `{}`, "garbage")
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "If-Match") {
					t.Errorf("%s %s does not read If-Match: %d %s", method, path, rec.Code, rec.Body)
				}
			}
		}
		if found != 6 {
			t.Fatalf("%d operations document If-Match, want the 6 writes to one ticket", found)
		}
	})
}
