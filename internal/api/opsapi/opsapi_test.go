package opsapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestOpsOverHTTP calls the whole server, wired as in production: leads
// and admins read the board, agents are refused, and the answer has the
// documented shape.
func TestOpsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		box, err := secret.NewBox(make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
		users := user.NewService(d, box, params)
		cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
			SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
		srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
		if err != nil {
			t.Fatal(err)
		}
		tokens := map[string]string{}
		for _, role := range []string{"agent", "lead", "admin"} {
			_, tokens[role], err = users.CreateToken(context.Background(), testutil.NewUser(t, d, role), "tests")
			if err != nil {
				t.Fatal(err)
			}
		}
		admin := testutil.As(testutil.NewUser(t, d, "admin"))
		tm, err := team.NewService(d).Create(admin, team.NewTeam{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		tickets := ticket.NewService(d)
		tk, err := tickets.Create(admin, ticket.NewTicket{Subject: "Charged twice", Body: "Please help.", Channel: "email",
			Requester: ticket.Requester{Email: "ann@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.Update(admin, tk.ID, ticket.Patch{TeamID: ticket.SetID(&tm.ID)}); err != nil {
			t.Fatal(err)
		}
		get := func(role string) *httptest.ResponseRecorder {
			r := httptest.NewRequest("GET", "/api/v1/ops", nil)
			r.Header.Set("Authorization", "Bearer "+tokens[role])
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, r)
			return rec
		}
		if rec := get("agent"); rec.Code != http.StatusForbidden {
			t.Fatalf("agent: %d %s", rec.Code, rec.Body)
		}
		if rec := get("admin"); rec.Code != http.StatusOK {
			t.Fatalf("admin: %d %s", rec.Code, rec.Body)
		}
		rec := get("lead")
		if rec.Code != http.StatusOK {
			t.Fatalf("lead: %d %s", rec.Code, rec.Body)
		}
		var body struct {
			GeneratedAt time.Time                    `json:"generated_at"`
			Desk        map[string]json.RawMessage   `json:"desk"`
			Teams       []map[string]json.RawMessage `json:"teams"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body.GeneratedAt.IsZero() || len(body.Teams) != 1 || string(body.Teams[0]["name"]) != `"Billing"` ||
			string(body.Desk["team_id"]) != "null" {
			t.Fatalf("answer %s", rec.Body)
		}
		for _, field := range []string{"team_id", "name", "time_zone", "today", "goal", "service_level", "backlog",
			"breaches", "arrivals", "feedback", "agents_online"} {
			if _, ok := body.Teams[0][field]; !ok {
				t.Errorf("a team lacks %s: %s", field, rec.Body)
			}
		}
		var backlog struct {
			Unsolved   int `json:"unsolved"`
			Unassigned int `json:"unassigned"`
			Longest    *struct {
				TicketID int64  `json:"ticket_id"`
				Subject  string `json:"subject"`
			} `json:"longest_waiting"`
		}
		if err := json.Unmarshal(body.Teams[0]["backlog"], &backlog); err != nil {
			t.Fatal(err)
		}
		if backlog.Unsolved != 1 || backlog.Unassigned != 1 || backlog.Longest == nil || backlog.Longest.TicketID != tk.ID {
			t.Errorf("backlog %s", body.Teams[0]["backlog"])
		}
		var level struct {
			FirstReply struct {
				Colour string   `json:"colour"`
				Share  *float64 `json:"share"`
				Due    int      `json:"due"`
			} `json:"first_reply"`
		}
		if err := json.Unmarshal(body.Teams[0]["service_level"], &level); err != nil {
			t.Fatal(err)
		}
		if level.FirstReply.Colour != "grey" || level.FirstReply.Share != nil || level.FirstReply.Due != 0 {
			t.Errorf("service level %s", body.Teams[0]["service_level"])
		}
	})
}
