package alertapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/api/apitest"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestAlertRulesAreDocumented: every route is in the OpenAPI document,
// for leads.
func TestAlertRulesAreDocumented(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := apitest.New(t, d)
		var doc struct {
			Paths map[string]map[string]struct {
				Access string `json:"x-access"`
			} `json:"paths"`
		}
		b.Do("", "GET", "/api/v1/openapi.json", "", http.StatusOK, &doc)
		for path, methods := range map[string][]string{
			"/api/v1/alert-rules":              {"get", "post"},
			"/api/v1/alert-rules/{id}":         {"get", "patch", "delete"},
			"/api/v1/alert-rules/{id}/ack":     {"post"},
			"/api/v1/alert-rules/{id}/silence": {"post"},
			"/api/v1/alert-rules/{id}/history": {"get"},
		} {
			for _, m := range methods {
				if op, ok := doc.Paths[path][m]; !ok || op.Access != "lead" {
					t.Errorf("%s %s: documented %v, access %q", m, path, ok, op.Access)
				}
			}
		}
	})
}

func TestAlertRulesOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := apitest.New(t, d)
		lead, agent := b.Token("lead"), b.Token("agent")
		b.Do(agent, "GET", "/api/v1/alert-rules", "", http.StatusForbidden, nil)
		b.Do(agent, "POST", "/api/v1/alert-rules", `{"metric":"backlog","op":">","threshold":5}`, http.StatusForbidden, nil)

		for body, field := range map[string]string{
			`{"metric":"speed","op":">","threshold":5}`:                                               "metric",
			`{"metric":"backlog","op":"==","threshold":5}`:                                            "op",
			`{"metric":"backlog","op":">"}`:                                                           "threshold",
			`{"metric":"backlog","op":">","threshold":5,"duration_minutes":-5}`:                       "duration_minutes",
			`{"metric":"backlog","op":">","threshold":5,"webhook_url":"http://169.254.169.254/hook"}`: "webhook_url",
			`{"metric":"backlog","op":">","threshold":"five"}`:                                        "threshold",
			`{"metric":"backlog","op":">","threshold":5,"colour":"red"}`:                              "colour",
		} {
			var p apitest.Problem
			b.Do(lead, "POST", "/api/v1/alert-rules", body, http.StatusBadRequest, &p)
			if p.Error.Field != field {
				t.Errorf("%s: the 400 names %q (%s), want %q", body, p.Error.Field, p.Error.Message, field)
			}
		}

		var r alert.Rule
		b.Do(lead, "POST", "/api/v1/alert-rules", `{"name":"Backlog","metric":"backlog","op":">","threshold":50,
			"duration_minutes":10,"emails":["ops@example.com"]}`, http.StatusCreated, &r)
		if r.ID == 0 || r.State != "ok" || r.DurationMinutes != 10 || r.TeamID != nil {
			t.Fatalf("created %+v", r)
		}
		path := fmt.Sprintf("/api/v1/alert-rules/%d", r.ID)
		var list struct{ Items []alert.Rule }
		b.Do(lead, "GET", "/api/v1/alert-rules", "", http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Name != "Backlog" {
			t.Fatalf("list %+v", list)
		}
		var got alert.Rule
		b.Do(lead, "PATCH", path, `{"threshold":40}`, http.StatusOK, &got)
		if got.Threshold != 40 || got.Op != ">" || got.Emails[0] != "ops@example.com" {
			t.Fatalf("patched %+v", got)
		}
		var p apitest.Problem
		b.Do(lead, "PATCH", path, `{"duration_minutes":-1}`, http.StatusBadRequest, &p)
		if p.Error.Field != "duration_minutes" {
			t.Fatalf("patch names %q", p.Error.Field)
		}
		b.Do(lead, "POST", path+"/ack", "", http.StatusConflict, nil) // nothing is firing
		until := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		b.Do(lead, "POST", path+"/silence", `{"until":"`+until+`"}`, http.StatusOK, &got)
		if got.SilencedUntil == nil || got.SilencedUntil.UTC().Format(time.RFC3339) != until {
			t.Fatalf("silenced until %v", got.SilencedUntil)
		}
		b.Do(lead, "POST", path+"/silence", `{"until":"tomorrow"}`, http.StatusBadRequest, &p)
		if p.Error.Field != "until" {
			t.Fatalf("silence names %q", p.Error.Field)
		}
		b.Do(lead, "POST", path+"/silence", `{"until":null}`, http.StatusOK, &got)
		if got.SilencedUntil != nil {
			t.Fatalf("silence not lifted: %v", got.SilencedUntil)
		}
		var hist struct{ Items []alert.History }
		b.Do(lead, "GET", path+"/history", "", http.StatusOK, &hist)
		if hist.Items == nil || len(hist.Items) != 0 {
			t.Fatalf("history %+v", hist)
		}
		b.Do(lead, "GET", path+"/history?limit=0", "", http.StatusBadRequest, nil)
		b.Do(lead, "DELETE", path, "", http.StatusNoContent, nil)
		b.Do(lead, "GET", path, "", http.StatusNotFound, nil)
	})
}
