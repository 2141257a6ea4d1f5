package wall_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	feedbackwall "github.com/centerdesk/centerdesk/internal/wall"
	"github.com/centerdesk/centerdesk/internal/web/wall"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

type noMail struct{}

func (noMail) SendNotice(context.Context, outbound.Notice) error { return nil }

// TestWallPage: everyone signed in reads the wall; the customer's comment
// is escaped and the customer named by first name; only leads get the
// form that recognises a comment.
func TestWallPage(t *testing.T) {
	e := webtest.New(t)
	d := e.DB
	rec := recognition.New(d, jobs.New(d, testutil.Logger(t), jobs.Options{}), noMail{}, e.Box, testutil.Logger(t),
		recognition.Options{})
	table, err := wall.New(e.Kit, wall.Deps{Users: e.Users, Teams: team.NewService(d), Recognition: rec,
		Wall: feedbackwall.NewService(d, rec)})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)

	agent := testutil.NewUser(t, d, "agent")
	tk, err := ticket.NewService(d).Create(testutil.As(agent), ticket.NewTicket{Subject: "Parcel", Body: "Lost",
		Channel: "email", Requester: ticket.Requester{Email: "maria@example.com", Name: "Maria Lopez"}})
	if err != nil {
		t.Fatal(err)
	}
	now := db.Time(db.Now())
	var survey int64
	if err := d.Write().QueryRow(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
		assignee_id, status, token_nonce, solved_at, sent_at, answered_at, csat, ces, comment, created_at, updated_at)
		SELECT id, 1, requester_id, channel, $2, 'answered', 'n', $3, $3, $3, 5, 7, 'Great <script>alert(1)</script> help', $3, $3
		FROM tickets WHERE id = $1 RETURNING id`, tk.ID, agent, now).Scan(&survey); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write().Exec(`INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee) VALUES ($1, $2, 1)`,
		survey, agent); err != nil {
		t.Fatal(err)
	}

	page := e.Do(http.MethodGet, "/wall", e.SignIn("agent"))
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, "Great &lt;script&gt;alert(1)&lt;/script&gt; help") ||
		strings.Contains(body, "<script>alert") || !strings.Contains(body, "Maria") || strings.Contains(body, "Lopez") ||
		strings.Contains(body, "Recognise this") {
		t.Fatalf("agent's wall: %d\n%s", page.Code, body)
	}
	lead := e.Do(http.MethodGet, "/wall?band=positive&has_comment=true", e.SignIn("lead"))
	if lead.Code != http.StatusOK || !strings.Contains(lead.Body.String(), "Recognise this") {
		t.Fatalf("lead's wall: %d\n%s", lead.Code, lead.Body)
	}
	bad := e.Do(http.MethodGet, "/wall?from=2026-02-01&to=2026-01-01", e.SignIn("agent"))
	if bad.Code != http.StatusOK || !strings.Contains(bad.Body.String(), `id="filter-error"`) {
		t.Fatalf("a bad range: %d\n%s", bad.Code, bad.Body)
	}
}
