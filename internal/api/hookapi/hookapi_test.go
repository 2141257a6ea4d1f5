package hookapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

type bench struct {
	t     *testing.T
	d     *db.DB
	h     http.Handler
	users *user.Service
}

func newBench(t *testing.T, d *db.DB) *bench {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
	if err != nil {
		t.Fatal(err)
	}
	return &bench{t: t, d: d, h: srv.Handler(), users: user.NewService(d, box, params)}
}

func (b *bench) token(role string) string {
	b.t.Helper()
	id := testutil.NewUser(b.t, b.d, role)
	_, tok, err := b.users.CreateToken(context.Background(), id, "tests")
	if err != nil {
		b.t.Fatal(err)
	}
	return tok
}

func (b *bench) do(token, method, path, body string, want int, out any) {
	b.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, r)
	if rec.Code != want {
		b.t.Fatalf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.t.Fatalf("%s %s: %v: %s", method, path, err, rec.Body)
		}
	}
}

// A public address, so the guarded client's check passes without a lookup;
// nothing is posted in these tests.
const hookURL = "https://93.184.215.14/hooks/centerdesk"

// TestWebhooksCRUD: an admin creates a subscription (its secret shown
// once), reads, lists, changes and deletes it; agents and leads may not.
func TestWebhooksCRUD(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := newBench(t, d)
		admin, lead := b.token("admin"), b.token("lead")
		var sub hooksub.Subscription
		b.do(admin, "POST", "/api/v1/webhooks", `{"url":"`+hookURL+`","events":["ticket.created","message.added"],
			"filter":{"channels":["email"],"tags":["Refund"]}}`, http.StatusCreated, &sub)
		if sub.ID == 0 || !sub.Active || sub.Secret == "" || sub.PauseAfter != hooksub.DefaultPauseAfter ||
			len(sub.Events) != 2 || len(sub.Filter.Tags) != 1 || sub.Filter.Tags[0] != "refund" {
			t.Fatalf("created %+v", sub)
		}
		path := fmt.Sprintf("/api/v1/webhooks/%d", sub.ID)
		var got hooksub.Subscription
		b.do(admin, "GET", path, "", http.StatusOK, &got)
		if got.Secret != "" || got.URL != hookURL {
			t.Fatalf("read %+v", got)
		}
		var list struct{ Items []hooksub.Subscription }
		b.do(admin, "GET", "/api/v1/webhooks", "", http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Secret != "" {
			t.Fatalf("list %+v", list)
		}
		got = hooksub.Subscription{} // omitted lists would keep the read's
		b.do(admin, "PATCH", path, `{"events":["ticket.status_changed"],"active":false,"filter":{},"pause_after":3}`,
			http.StatusOK, &got)
		if got.Active || len(got.Events) != 1 || got.Events[0] != "ticket.status_changed" || len(got.Filter.Channels) != 0 ||
			got.PauseAfter != 3 || got.Secret != "" {
			t.Fatalf("patched %+v", got)
		}
		b.do(admin, "PATCH", path, `{"rotate_secret":true}`, http.StatusOK, &got)
		if got.Secret == "" || got.Secret == sub.Secret {
			t.Fatal("rotating shows no new secret")
		}
		var evs struct{ Events []string }
		b.do(admin, "GET", "/api/v1/webhooks/events", "", http.StatusOK, &evs)
		if len(evs.Events) != len(hooksub.Events) {
			t.Fatalf("events %v", evs.Events)
		}
		var log struct{ Items []hooksub.Delivery }
		b.do(admin, "GET", path+"/deliveries", "", http.StatusOK, &log)
		if log.Items == nil || len(log.Items) != 0 {
			t.Fatalf("log %+v", log)
		}
		b.do(admin, "POST", path+"/deliveries/12345/redeliver", "", http.StatusNotFound, nil)
		b.do(lead, "GET", "/api/v1/webhooks", "", http.StatusForbidden, nil)
		b.do(lead, "POST", "/api/v1/webhooks", `{"url":"`+hookURL+`","events":["ticket.created"]}`, http.StatusForbidden, nil)
		b.do(admin, "DELETE", path, "", http.StatusNoContent, nil)
		b.do(admin, "GET", path, "", http.StatusNotFound, nil)
		b.do(admin, "DELETE", path, "", http.StatusNotFound, nil)
	})
}

// TestWebhooksRefuseBadInput: each mistake is a 400 naming its field.
func TestWebhooksRefuseBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := newBench(t, d)
		admin := b.token("admin")
		for body, field := range map[string]string{
			`{"events":["ticket.created"]}`:                                                        "url",
			`{"url":"http://169.254.169.254/x","events":["ticket.created"]}`:                       "url",
			`{"url":"` + hookURL + `","events":["ticket.created","ticket.exploded"]}`:              "events",
			`{"url":"` + hookURL + `","events":[]}`:                                                "events",
			`{"url":"` + hookURL + `","events":["ticket.created"],"filter":{"channels":["fax"]}}`:  "filter.channels",
			`{"url":"` + hookURL + `","events":["ticket.created"],"filter":{"team_ids":[424242]}}`: "filter.team_ids",
			`{"url":"` + hookURL + `","events":["ticket.created"],"pause_after":5000}`:             "pause_after",
		} {
			var out struct {
				Error struct{ Field, Message string }
			}
			b.do(admin, "POST", "/api/v1/webhooks", body, http.StatusBadRequest, &out)
			if out.Error.Field != field {
				t.Errorf("%s: field %q, want %q (%s)", body, out.Error.Field, field, out.Error.Message)
			}
			if strings.Contains(body, "exploded") && !strings.Contains(out.Error.Message, "ticket.exploded") {
				t.Errorf("the unknown event is not named: %s", out.Error.Message)
			}
		}
		var sub hooksub.Subscription
		b.do(admin, "POST", "/api/v1/webhooks", `{"url":"`+hookURL+`","events":["ticket.created"]}`, http.StatusCreated, &sub)
		var out struct{ Error struct{ Field string } }
		b.do(admin, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", sub.ID), `{"events":["nope"]}`, http.StatusBadRequest, &out)
		if out.Error.Field != "events" {
			t.Fatalf("patch field %q", out.Error.Field)
		}
		b.do(admin, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries?before=x", sub.ID), "", http.StatusBadRequest, &out)
		if out.Error.Field != "before" {
			t.Fatalf("before field %q", out.Error.Field)
		}
	})
}
