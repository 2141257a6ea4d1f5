package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestAgentPageShowsServiceFigures: the agent's page shows their first
// reply median, first replies in target, CSAT and CES over 30 days beside
// their team's, to the agent and to leads.
func TestAgentPageShowsServiceFigures(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newPeopleDesk(t, d)
		tok := k.token(k.lead)
		resp, out := k.api("POST", "/api/v1/teams", tok, `{"name": "Billing", "member_ids": [`+itoa(k.agent.ID)+`, `+itoa(k.other.ID)+`]}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("team: %d %v", resp.StatusCode, out)
		}
		teamID := itoa(int64(out["id"].(float64)))
		// The agent answered in 10 minutes, in target; the other agent in 3
		// hours, late.
		var ids []string
		for _, who := range []int64{k.agent.ID, k.other.ID} {
			resp, out = k.api("POST", "/api/v1/tickets", tok, `{"subject": "Refund", "body": "Please", "requester": {"email": "ada@example.com"}}`)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("ticket: %d %v", resp.StatusCode, out)
			}
			id := itoa(int64(out["id"].(float64)))
			ids = append(ids, id)
			if resp, out = k.api("PATCH", "/api/v1/tickets/"+id, tok, `{"team_id": `+teamID+`, "assignee_id": `+itoa(who)+`}`); resp.StatusCode != http.StatusOK {
				t.Fatalf("assign: %d %v", resp.StatusCode, out)
			}
		}
		if resp, out = k.api("POST", "/api/v1/sla-policies", tok, `{"name": "All", "targets": [
			{"metric": "first_reply", "minutes": 60, "business_hours": false}]}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("policy: %d %v", resp.StatusCode, out)
		}
		created := time.Now().Add(-24 * time.Hour)
		for i, c := range []struct {
			reply time.Duration
			state string
			csat  int
		}{{10 * time.Minute, "fulfilled", 5}, {3 * time.Hour, "breached", 2}} {
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`UPDATE tickets SET created_at = $1, first_reply_at = $2 WHERE id = $3`, []any{db.Time(created), db.Time(created.Add(c.reply)), ids[i]}},
				{`UPDATE sla_clocks SET state = $1, due_at = $2 WHERE ticket_id = $3`, []any{c.state, db.Time(created.Add(time.Hour)), ids[i]}},
				{`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel, team_id, status, token_hash,
					solved_at, sent_at, answered_at, csat, ces, created_at, updated_at)
					SELECT id, $2, requester_id, channel, team_id, 'answered', $3, $4, $4, $4, $5, 3, $4, $4 FROM tickets WHERE id = $1`,
					[]any{ids[i], i + 1, "hash" + ids[i], db.Time(created.Add(2 * time.Hour)), c.csat}},
				{`INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
					SELECT s.id, t.assignee_id, $2, $3 FROM feedback_surveys s JOIN tickets t ON t.id = s.ticket_id WHERE s.ticket_id = $1`,
					[]any{ids[i], true, false}},
			} {
				if _, err := d.Write().Exec(q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := report.NewService(d).Rebuild(testutil.As(k.lead.ID)); err != nil {
			t.Fatal(err)
		}

		path := "/agents/" + itoa(k.agent.ID)
		page := wantStatus(t, "own page", k.get(k.agentB, path), http.StatusOK)
		card := page[strings.Index(page, `id="service-figures"`):]
		card = card[:strings.Index(card, "</section>")]
		for _, want := range []string{"Service, last 30 days", "Team Billing", "First reply, median", "<strong>10 min</strong>",
			"First replies in target", "<strong>100.0%</strong> <span class=\"muted\">1 of 1 met", "<strong>50.0%</strong> <span class=\"muted\">1 of 2 met",
			"CSAT", "<strong>100.0%</strong> <span class=\"muted\">1 answer", "<strong>3.00</strong>"} {
			if !strings.Contains(card, want) {
				t.Errorf("own page's service card lacks %q:\n%s", want, card)
			}
		}
		if page := wantStatus(t, "lead reads", k.get(k.leadB, path), http.StatusOK); !strings.Contains(page, `id="service-figures"`) ||
			!strings.Contains(page, `<th scope="col">Agent</th>`) {
			t.Errorf("the lead does not see the agent's figures:\n%s", page)
		}
	})
}
