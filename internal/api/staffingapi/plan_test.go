package staffingapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// The plan route answers the wired plan: real tickets in the roll-up,
// the desk's defaults where nothing is set; leads and admins only.
func TestPlanOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		lead := newClient(t, d, "lead")
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		tickets := ticket.NewService(d)
		// Eight chat tickets a week ago, 90 minutes after now, and two
		// unsolved emails.
		at := time.Now().Add(-7*24*time.Hour + 90*time.Minute)
		for i := range 10 {
			channel := "chat"
			if i >= 8 {
				channel = "email"
			}
			tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Chat", Body: "Hi", Channel: channel,
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
		var p staffing.PlanResult
		lead.get("/api/v1/staffing/plan?hours=4", http.StatusOK, &p)
		if p.Hours != 4 || p.TimeZone != "UTC" || p.Goal != 0.95 || p.AgentsOnline != 0 || len(p.Channels) != 2 {
			t.Fatalf("plan %+v", p)
		}
		chat := p.Channels[1]
		var arrivals float64
		var add []string
		for _, h := range chat.Hours {
			arrivals += h.ArrivalsPerHour
		}
		for _, r := range chat.Recommendations {
			add = append(add, r.Text)
		}
		// 2 chats an hour of 300 s answered in 60 s at 95% need 2 agents,
		// and nobody is at work.
		if chat.Channel != "chat" || len(chat.Hours) != 4 || arrivals != 2 || chat.TargetSeconds != 60 ||
			chat.HandleSource != "default" || len(add) != 1 || !strings.HasPrefix(add[0], "add 2 people ") {
			t.Errorf("chat %+v", chat)
		}
		if e := p.Email; e.OpenTickets != 2 || e.WorkHours != 0.33 || e.ShortHours != 0.33 || e.WindowHours != 4 {
			t.Errorf("email %+v", e)
		}
		body := lead.get("/api/v1/staffing/plan", http.StatusOK, &p)
		if p.Hours != staffing.DefaultForecastHours || !strings.Contains(body, `"recommendations"`) {
			t.Errorf("default plan %s", body)
		}
		for _, q := range []string{"hours=0", "hours=49", "hours=x"} {
			body := lead.get("/api/v1/staffing/plan?"+q, http.StatusBadRequest, nil)
			if !strings.Contains(body, `"field":"hours"`) {
				t.Errorf("%s: %s", q, body)
			}
		}
		newClient(t, d, "admin").get("/api/v1/staffing/plan", http.StatusOK, nil)
		newClient(t, d, "agent").get("/api/v1/staffing/plan", http.StatusForbidden, nil)
	})
}
