package hookapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/api/apitest"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// A public address, so the guarded client's check passes without a lookup;
// nothing is posted in these tests.
const hookURL = "https://93.184.215.14/hooks/centerdesk"

// TestWebhooksCRUD: an admin creates a subscription (its secret shown
// once), reads, lists, changes and deletes it; agents and leads may not.
func TestWebhooksCRUD(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := apitest.New(t, d)
		admin, lead := b.Token("admin"), b.Token("lead")
		var sub hooksub.Subscription
		b.Do(admin, "POST", "/api/v1/webhooks", `{"url":"`+hookURL+`","events":["ticket.created","message.added"],
			"filter":{"channels":["email"],"tags":["Refund"]}}`, http.StatusCreated, &sub)
		if sub.ID == 0 || !sub.Active || sub.Secret == "" || sub.PauseAfter != hooksub.DefaultPauseAfter ||
			len(sub.Events) != 2 || len(sub.Filter.Tags) != 1 || sub.Filter.Tags[0] != "refund" {
			t.Fatalf("created %+v", sub)
		}
		path := fmt.Sprintf("/api/v1/webhooks/%d", sub.ID)
		var got hooksub.Subscription
		b.Do(admin, "GET", path, "", http.StatusOK, &got)
		if got.Secret != "" || got.URL != hookURL {
			t.Fatalf("read %+v", got)
		}
		var list struct{ Items []hooksub.Subscription }
		b.Do(admin, "GET", "/api/v1/webhooks", "", http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Secret != "" {
			t.Fatalf("list %+v", list)
		}
		got = hooksub.Subscription{} // omitted lists would keep the read's
		b.Do(admin, "PATCH", path, `{"events":["ticket.status_changed"],"active":false,"filter":{},"pause_after":3}`,
			http.StatusOK, &got)
		if got.Active || len(got.Events) != 1 || got.Events[0] != "ticket.status_changed" || len(got.Filter.Channels) != 0 ||
			got.PauseAfter != 3 || got.Secret != "" {
			t.Fatalf("patched %+v", got)
		}
		b.Do(admin, "PATCH", path, `{"rotate_secret":true}`, http.StatusOK, &got)
		if got.Secret == "" || got.Secret == sub.Secret {
			t.Fatal("rotating shows no new secret")
		}
		var evs struct{ Events []string }
		b.Do(admin, "GET", "/api/v1/webhooks/events", "", http.StatusOK, &evs)
		if len(evs.Events) != len(hooksub.Events) {
			t.Fatalf("events %v", evs.Events)
		}
		var log struct{ Items []hooksub.Delivery }
		b.Do(admin, "GET", path+"/deliveries", "", http.StatusOK, &log)
		if log.Items == nil || len(log.Items) != 0 {
			t.Fatalf("log %+v", log)
		}
		b.Do(admin, "POST", path+"/deliveries/12345/redeliver", "", http.StatusNotFound, nil)
		b.Do(lead, "GET", "/api/v1/webhooks", "", http.StatusForbidden, nil)
		b.Do(lead, "POST", "/api/v1/webhooks", `{"url":"`+hookURL+`","events":["ticket.created"]}`, http.StatusForbidden, nil)
		b.Do(admin, "DELETE", path, "", http.StatusNoContent, nil)
		b.Do(admin, "GET", path, "", http.StatusNotFound, nil)
		b.Do(admin, "DELETE", path, "", http.StatusNotFound, nil)
	})
}

// TestWebhooksRefuseBadInput: each mistake is a 400 naming its field.
func TestWebhooksRefuseBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := apitest.New(t, d)
		admin := b.Token("admin")
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
			b.Do(admin, "POST", "/api/v1/webhooks", body, http.StatusBadRequest, &out)
			if out.Error.Field != field {
				t.Errorf("%s: field %q, want %q (%s)", body, out.Error.Field, field, out.Error.Message)
			}
			if strings.Contains(body, "exploded") && !strings.Contains(out.Error.Message, "ticket.exploded") {
				t.Errorf("the unknown event is not named: %s", out.Error.Message)
			}
		}
		var sub hooksub.Subscription
		b.Do(admin, "POST", "/api/v1/webhooks", `{"url":"`+hookURL+`","events":["ticket.created"]}`, http.StatusCreated, &sub)
		var out struct{ Error struct{ Field string } }
		b.Do(admin, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", sub.ID), `{"events":["nope"]}`, http.StatusBadRequest, &out)
		if out.Error.Field != "events" {
			t.Fatalf("patch field %q", out.Error.Field)
		}
		b.Do(admin, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries?before=x", sub.ID), "", http.StatusBadRequest, &out)
		if out.Error.Field != "before" {
			t.Fatalf("before field %q", out.Error.Field)
		}
	})
}
