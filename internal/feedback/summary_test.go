package feedback_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// scripted is one survey of the summary's script.
type scripted struct {
	channel   string
	team      bool
	agents    []int64 // the first is the assignee
	sent      string
	csat, ces *int
}

func TestSummaryFiguresAreExact(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a, b := f.agent, testutil.NewUser(t, d, "agent")
		tm, err := team.NewService(d).Create(testutil.As(a), team.NewTeam{Name: "Care"})
		if err != nil {
			t.Fatal(err)
		}
		script := []scripted{
			{"email", true, []int64{a}, "2026-12-01T10:00:00.000Z", ptr(5), ptr(7)},
			{"email", true, []int64{a}, "2026-12-01T11:00:00.000Z", ptr(2), ptr(3)},
			{"portal", false, []int64{b}, "2026-12-02T09:00:00.000Z", ptr(4), nil},
			{"email", true, []int64{a, b}, "2026-12-02T10:00:00.000Z", nil, nil},
			{"portal", false, []int64{b}, "2026-11-20T10:00:00.000Z", ptr(1), ptr(1)}, // outside the range
		}
		for i, s := range script {
			insertScripted(t, f, i, s, tm.ID)
		}
		from, to, err := feedback.ParseRange("2026-12-01", "2026-12-02", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{
			"agent": {
				fmt.Sprintf("%d sent 3 answered 2 rr 66.7 csat 50.0 mean 3.50 ces 5.00 easy 50.0", a),
				fmt.Sprintf("%d sent 2 answered 1 rr 50.0 csat 100.0 mean 4.00 ces - easy -", b)},
			"team": {
				"0 sent 1 answered 1 rr 100.0 csat 100.0 mean 4.00 ces - easy -",
				fmt.Sprintf("%d sent 3 answered 2 rr 66.7 csat 50.0 mean 3.50 ces 5.00 easy 50.0", tm.ID)},
			"channel": {
				"email sent 3 answered 2 rr 66.7 csat 50.0 mean 3.50 ces 5.00 easy 50.0",
				"portal sent 1 answered 1 rr 100.0 csat 100.0 mean 4.00 ces - easy -"},
			"day": {
				"2026-12-01 sent 2 answered 2 rr 100.0 csat 50.0 mean 3.50 ces 5.00 easy 50.0",
				"2026-12-02 sent 2 answered 1 rr 50.0 csat 100.0 mean 4.00 ces - easy -"},
		}
		for by, lines := range want {
			sum, err := f.svc.Summarize(context.Background(), by, from, to)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, g := range sum.Groups {
				got = append(got, fmt.Sprintf("%s sent %d answered %d rr %s csat %s mean %s ces %s easy %s", g.Key,
					g.Sent, g.Answered, num(g.ResponseRate, 1), num(g.CSATScore, 1), num(g.CSATMean, 2),
					num(g.CESMean, 2), num(g.CESEasy, 1)))
			}
			if fmt.Sprint(got) != fmt.Sprint(lines) {
				t.Errorf("by %s:\n got %q\nwant %q", by, got, lines)
			}
		}
	})
}

func num(v *float64, decimals int) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.*f", decimals, *v)
}

// insertScripted writes one answered (or sent) survey as the script says,
// on a ticket of its own.
func insertScripted(t *testing.T, f *fixture, i int, s scripted, teamID int64) {
	t.Helper()
	tk, err := f.tickets.Create(testutil.As(f.agent), ticket.NewTicket{Subject: "Scripted",
		Requester: ticket.Requester{Email: fmt.Sprintf("s%d@example.com", i)}, Body: "x", Channel: "api"})
	if err != nil {
		t.Fatal(err)
	}
	var tid *int64
	if s.team {
		tid = &teamID
	}
	status, answered := "sent", any(nil)
	if s.csat != nil || s.ces != nil {
		status, answered = "answered", s.sent
	}
	var id int64
	err = f.d.Write().QueryRow(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
			assignee_id, team_id, status, token_hash, token_nonce, solved_at, sent_at, answered_at, csat, ces,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $10, $10) RETURNING id`,
		tk.ID, -1-i, tk.RequesterID, s.channel, s.agents[0], tid, status, fmt.Sprintf("hash%d", i),
		fmt.Sprintf("nonce%d", i), s.sent, answered, s.csat, s.ces).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	for j, u := range s.agents {
		if _, err := f.d.Write().Exec(`INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
			VALUES ($1, $2, $3, $4)`, id, u, j == 0, true); err != nil {
			t.Fatal(err)
		}
	}
}
