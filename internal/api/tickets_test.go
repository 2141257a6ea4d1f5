package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// client calls the API as one signed-in admin.
type client struct {
	t     *testing.T
	h     http.Handler
	token string
	d     *db.DB
}

func newClient(t *testing.T, d *db.DB) *client {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	users := user.NewService(d, box, params)
	ctx := context.Background()
	u, err := users.Create(ctx, user.NewUser{Email: "admin@example.com", Name: "Admin", Role: "admin",
		Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := users.CreateToken(ctx, u.ID, "tests")
	if err != nil {
		t.Fatal(err)
	}
	// The whole server, wired as in production, so API tests see every route.
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params, Resolver: testDNS{}})
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, h: srv.Handler(), token: token, d: d}
}

// do sends a request; key, when set, is the Idempotency-Key.
func (c *client) do(method, path, body, key string) *httptest.ResponseRecorder {
	c.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		r.Header.Set(idempotency.Header, key)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	return rec
}

// want checks the status and decodes the body into out, if given.
func (c *client) want(rec *httptest.ResponseRecorder, status int, out any) {
	c.t.Helper()
	if rec.Code != status {
		c.t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			c.t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
}

func (c *client) count(table string) int {
	c.t.Helper()
	var n int
	if err := c.d.Read().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

const newTicketJSON = `{"subject": "Refund", "requester": {"email": "ada@example.com", "name": "Ada"},
	"body": "Please refund order 42.", "tags": ["billing"]}`

func TestTicketsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var tk ticket.Ticket
		rec := c.do("POST", "/api/v1/tickets", newTicketJSON, "")
		c.want(rec, http.StatusCreated, &tk)
		if tk.Number != 1 || tk.Channel != "api" || rec.Header().Get("Location") == "" {
			t.Fatalf("created %+v", tk)
		}
		var billing team.Team
		c.want(c.do("POST", "/api/v1/teams", `{"name": "Billing"}`, ""), http.StatusCreated, &billing)
		var teams struct{ Items []team.Team }
		c.want(c.do("GET", "/api/v1/teams", "", ""), http.StatusOK, &teams)
		if len(teams.Items) != 1 {
			t.Fatalf("teams %+v", teams)
		}

		path := "/api/v1/tickets/" + itoa(tk.ID)
		c.want(c.do("PATCH", path, `{"status": "open", "team_id": `+itoa(billing.ID)+`}`, ""), http.StatusOK, &tk)
		if tk.Status != "open" || tk.TeamID == nil || *tk.TeamID != billing.ID {
			t.Fatalf("patched %+v", tk)
		}
		c.want(c.do("POST", path+"/messages", `{"body": "Done."}`, ""), http.StatusCreated, nil)

		var msgs struct{ Items []ticket.Message }
		c.want(c.do("GET", path+"/messages", "", ""), http.StatusOK, &msgs)
		if len(msgs.Items) != 2 || msgs.Items[1].AuthorType != "agent" {
			t.Fatalf("messages %+v", msgs)
		}
		var evs struct{ Items []map[string]any }
		c.want(c.do("GET", path+"/events", "", ""), http.StatusOK, &evs)
		if len(evs.Items) != 5 {
			t.Fatalf("%d events: %+v", len(evs.Items), evs)
		}
		var list struct {
			Items      []ticket.Ticket
			NextCursor string `json:"next_cursor"`
		}
		c.want(c.do("GET", "/api/v1/tickets?status=open&tag=billing&limit=1", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.NextCursor != "" || list.Items[0].FirstReplyAt == nil {
			t.Fatalf("list %+v", list)
		}
		c.want(c.do("GET", path, "", ""), http.StatusOK, &tk)
		c.want(c.do("GET", "/api/v1/tickets/999", "", ""), http.StatusNotFound, nil)
	})
}

func TestTicketErrorsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var e httpx.ErrorBody
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "", "requester": {"email": "a@example.com"}, "body": "x"}`, ""),
			http.StatusBadRequest, &e)
		if e.Error.Field != "subject" {
			t.Fatalf("error %+v", e)
		}
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
		c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(tk.ID), `{"assignee_id": 777}`, ""), http.StatusUnprocessableEntity, &e)
		if e.Error.Field != "assignee_id" {
			t.Fatalf("error %+v", e)
		}
		c.want(c.do("GET", "/api/v1/tickets?cursor=nope", "", ""), http.StatusBadRequest, nil)
		c.want(c.do("GET", "/api/v1/tickets?updated_since=yesterday", "", ""), http.StatusBadRequest, nil)
		c.token = "cdk_wrong"
		c.want(c.do("GET", "/api/v1/tickets", "", ""), http.StatusUnauthorized, nil)
	})
}

func TestCustomersOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var cu customer.Customer
		c.want(c.do("POST", "/api/v1/customers", `{"email": "Grace@Example.com", "name": "Grace"}`, ""), http.StatusCreated, &cu)
		c.want(c.do("POST", "/api/v1/customers", `{"email": "grace@example.com"}`, ""), http.StatusConflict, nil)
		c.want(c.do("GET", "/api/v1/customers/"+itoa(cu.ID), "", ""), http.StatusOK, &cu)
		if cu.Email != "grace@example.com" {
			t.Fatalf("customer %+v", cu)
		}
		var list struct{ Items []customer.Customer }
		c.want(c.do("GET", "/api/v1/customers?email=GRACE@example.com", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != cu.ID {
			t.Fatalf("by email %+v", list)
		}
		c.want(c.do("GET", "/api/v1/customers?limit=10", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Fatalf("list %+v", list)
		}
	})
}

func TestIdempotentCreate(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		first := c.do("POST", "/api/v1/tickets", newTicketJSON, "key-1")
		c.want(first, http.StatusCreated, nil)
		tables := []string{"tickets", "messages", "events", "outbox", "customers"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = c.count(tb)
		}
		again := c.do("POST", "/api/v1/tickets", newTicketJSON, "key-1")
		c.want(again, http.StatusCreated, nil)
		if !bytes.Equal(first.Body.Bytes(), again.Body.Bytes()) || again.Header().Get(idempotency.ReplayedHeader) != "true" {
			t.Fatalf("replay %s differs from %s", again.Body, first.Body)
		}
		var e httpx.ErrorBody
		c.want(c.do("POST", "/api/v1/tickets", strings.Replace(newTicketJSON, "Refund", "Other", 1), "key-1"),
			http.StatusConflict, &e)
		if e.Error.Code != "conflict" || e.Error.Field != idempotency.Header {
			t.Fatalf("error %+v", e)
		}
		for _, tb := range tables {
			if n := c.count(tb); n != before[tb] {
				t.Errorf("%s: %d rows, was %d", tb, n, before[tb])
			}
		}
		// A first attempt that fails does not hold its key.
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": ""}`, "key-2"), http.StatusBadRequest, nil)
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, "key-2"), http.StatusCreated, nil)
		if n := c.count("tickets"); n != 2 {
			t.Fatalf("%d tickets, want 2", n)
		}
	})
}

func TestIdempotentRace(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		const n = 6
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r := httptest.NewRequest("POST", "/api/v1/tickets", strings.NewReader(newTicketJSON))
				r.Header.Set("Authorization", "Bearer "+c.token)
				r.Header.Set(idempotency.Header, "race")
				rec := httptest.NewRecorder()
				c.h.ServeHTTP(rec, r)
				if rec.Code != http.StatusCreated {
					t.Errorf("status %d: %s", rec.Code, rec.Body)
				}
				bodies[i] = rec.Body.String()
			})
		}
		wg.Wait()
		for i := range n {
			if bodies[i] != bodies[0] {
				t.Fatalf("answers differ:\n%s\n%s", bodies[0], bodies[i])
			}
		}
		if got := c.count("tickets"); got != 1 {
			t.Fatalf("%d tickets, want 1", got)
		}
	})
}

func itoa(id int64) string {
	b, _ := json.Marshal(id)
	return string(b)
}
