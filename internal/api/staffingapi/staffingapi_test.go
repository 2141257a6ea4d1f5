package staffingapi_test

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
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// client calls the whole server, wired as in production, with a token.
type client struct {
	t     *testing.T
	h     http.Handler
	token string
}

func newClient(t *testing.T, d *db.DB, role string) *client {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	users := user.NewService(d, box, params)
	_, token, err := users.CreateToken(context.Background(), testutil.NewUser(t, d, role), "tests")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, h: srv.Handler(), token: token}
}

func (c *client) get(path string, want int, out any) string {
	c.t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+c.token)
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	if rec.Code != want {
		c.t.Fatalf("GET %s: %d, want %d: %s", path, rec.Code, want, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			c.t.Fatal(err)
		}
	}
	return rec.Body.String()
}

func TestStaffingOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d, "lead")
		var r staffing.Result
		// The classic example: 100 calls in 30 minutes, 3 minutes each,
		// 80% within 20 seconds needs 14 agents (13 reach 79.6%).
		c.get("/api/v1/staffing?arrivals_per_hour=200&aht_seconds=180&target_seconds=20&goal=0.8&shrinkage=0.3", http.StatusOK, &r)
		if r.Agents != 14 || r.Scheduled != 20 || r.ServiceLevel < 0.8883 || r.ServiceLevel > 0.8884 ||
			r.WaitProbability < 0.1741 || r.WaitProbability > 0.1742 {
			t.Errorf("recommendation %+v", r)
		}
		c.get("/api/v1/staffing?arrivals_per_hour=200&aht_seconds=180&target_seconds=20&agents=12", http.StatusOK, &r)
		if r.Agents != 12 || r.ASASeconds < 40.44 || r.ASASeconds > 40.45 {
			t.Errorf("evaluation %+v", r)
		}
		for query, field := range map[string]string{
			"arrivals_per_hour=0&aht_seconds=180&target_seconds=20":            "arrivals_per_hour",
			"arrivals_per_hour=200&aht_seconds=-1&target_seconds=20":           "aht_seconds",
			"arrivals_per_hour=200&aht_seconds=180":                            "target_seconds",
			"arrivals_per_hour=200&aht_seconds=180&target_seconds=20&goal=1":   "goal",
			"arrivals_per_hour=200&aht_seconds=180&target_seconds=20&goal=x":   "goal",
			"arrivals_per_hour=200&aht_seconds=180&target_seconds=20&agents=9": "agents",
		} {
			body := c.get("/api/v1/staffing?"+query, http.StatusBadRequest, nil)
			if !strings.Contains(body, `"field":"`+field+`"`) {
				t.Errorf("%s: %s, want field %s", query, body, field)
			}
		}
		newClient(t, d, "agent").get("/api/v1/staffing?arrivals_per_hour=1&aht_seconds=1&target_seconds=1", http.StatusForbidden, nil)
	})
}

// hourly counts tickets per hour, for the forecast without a database.
type hourly map[int64]int64

func (h hourly) CreatedPerHour(_ context.Context, channel string, hours []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for _, x := range hours {
		out[x] = h[x]
	}
	return out, nil
}

func TestForecastAveragesTheSameWeekdayHours(t *testing.T) {
	now := time.Date(2026, 12, 7, 14, 20, 0, 0, time.UTC) // a Monday
	h := now.Unix() / 3600
	counts := hourly{}
	// The Monday 14:00 hours of the last four weeks: 10, 20, 30, 40 tickets.
	for w, n := range []int64{10, 20, 30, 40} {
		counts[h-int64(w+1)*168] = n
	}
	counts[h+1-168] = 8 // Monday 15:00 a week ago only
	in := staffing.Input{AHTSeconds: 180, TargetSeconds: 20, Goal: 0.8, MaxOccupancy: 1}
	f, err := staffing.ForecastHours(context.Background(), counts, "phone", now, 8, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Hours) != 8 || !f.Hours[0].Start.Equal(time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)) {
		t.Fatalf("hours %+v", f.Hours)
	}
	if f.Hours[0].ArrivalsPerHour != 25 || f.Hours[1].ArrivalsPerHour != 2 || f.Hours[2].ArrivalsPerHour != 0 {
		t.Errorf("arrivals %v %v %v", f.Hours[0].ArrivalsPerHour, f.Hours[1].ArrivalsPerHour, f.Hours[2].ArrivalsPerHour)
	}
	want, _ := staffing.Recommend(staffing.Input{ArrivalsPerHour: 25, AHTSeconds: 180, TargetSeconds: 20, Goal: 0.8, MaxOccupancy: 1})
	if f.Hours[0].Agents != want.Agents || f.Hours[2].Agents != 0 {
		t.Errorf("agents %d (want %d), %d", f.Hours[0].Agents, want.Agents, f.Hours[2].Agents)
	}
}

// The forecast route reads the roll-up: tickets on the phone a week ago
// at this hour are expected again.
func TestForecastOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d, "admin")
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		tickets := ticket.NewService(d)
		// Two phone calls a week ago, 90 minutes after now: within the next
		// four hours however the hour turns while the test runs.
		at := time.Now().Add(-7*24*time.Hour + 90*time.Minute)
		for _, channel := range []string{"phone", "phone", "email"} {
			tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Call", Body: "Rang", Channel: channel,
				Requester: ticket.Requester{Email: "ada@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Write().Exec(`UPDATE tickets SET created_at = $1 WHERE id = $2`, db.Time(at), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := report.NewService(d).Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		var f staffing.Forecast
		c.get("/api/v1/staffing/forecast?channel=phone&hours=4&aht_seconds=600", http.StatusOK, &f)
		var sum float64
		agents := 0
		for _, h := range f.Hours {
			sum += h.ArrivalsPerHour
			agents = max(agents, h.Agents)
		}
		if f.Channel != "phone" || len(f.Hours) != 4 || f.Weeks != staffing.ForecastWeeks || sum != 0.5 || agents != 1 {
			t.Errorf("forecast %+v", f)
		}
		c.get("/api/v1/staffing/forecast?channel=fax", http.StatusBadRequest, nil)
		c.get("/api/v1/staffing/forecast?hours=0", http.StatusBadRequest, nil)
		c.get("/api/v1/staffing/forecast?hours=9999", http.StatusBadRequest, nil)
	})
}
