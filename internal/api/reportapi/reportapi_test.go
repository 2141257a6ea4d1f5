package reportapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

func serve(t *testing.T, d *db.DB, role string) func(path string) *httptest.ResponseRecorder {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	_, token, err := user.NewService(d, box, params).CreateToken(context.Background(), testutil.NewUser(t, d, role), "tests")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
	if err != nil {
		t.Fatal(err)
	}
	return func(path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, r)
		return rec
	}
}

func TestReportsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		get := serve(t, d, "lead")
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		for range 3 {
			if _, err := ticket.NewService(d).Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: "chat",
				Requester: ticket.Requester{Email: "ada@example.com"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := report.NewService(d).Backfill(context.Background()); err != nil {
			t.Fatal(err)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		rec := get("/api/v1/reports/volume?group_by=channel&time_zone=UTC")
		var res report.Result
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &res) != nil {
			t.Fatalf("volume: %d %s", rec.Code, rec.Body)
		}
		if len(res.Rows) != 1 || res.Rows[0].Period != today || res.Rows[0].GroupKey != "chat" || res.Rows[0].Values["created"] != 3 {
			t.Errorf("volume %+v", res)
		}
		csv := get("/api/v1/reports/volume?group_by=channel&time_zone=UTC&format=csv")
		if csv.Code != http.StatusOK || csv.Body.String() != "period,group_key,group,created,solved\n"+today+",chat,chat,3,0\n" {
			t.Errorf("CSV: %d %q", csv.Code, csv.Body)
		}
		for path, field := range map[string]string{
			"/api/v1/reports/speed":                                "name",
			"/api/v1/reports/volume?group_by=priority":             "group_by",
			"/api/v1/reports/volume?from=2026-02-30":               "from",
			"/api/v1/reports/volume?to=tomorrow":                   "to",
			"/api/v1/reports/volume?from=2026-12-02&to=2026-12-01": "from",
			"/api/v1/reports/volume?format=xml":                    "format",
		} {
			rec := get(path)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s, want 400 on %s", path, rec.Code, rec.Body, field)
			}
		}
		if rec := serve(t, d, "agent")("/api/v1/reports/volume"); rec.Code != http.StatusForbidden {
			t.Errorf("an agent: %d", rec.Code)
		}
	})
}
