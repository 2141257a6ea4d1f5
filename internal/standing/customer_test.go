package standing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// answer writes an answered survey of ticketID straight into package
// feedback's tables, as its service would on a customer's answer,
// attributed to agents (the first is the assignee). 0 is a score left out.
func answer(t *testing.T, d *db.DB, ticketID int64, at time.Time, csat, ces int, comment string, agents ...int64) int64 {
	t.Helper()
	score := func(n int) any {
		if n == 0 {
			return nil
		}
		return n
	}
	var id int64
	err := d.Write().QueryRow(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
		assignee_id, team_id, status, token_hash, token_nonce, solved_at, sent_at, answered_at, changed_at,
		csat, ces, comment, created_at, updated_at)
		SELECT id, (SELECT COALESCE(MAX(solve_event_id), 0) + 1 FROM feedback_surveys), requester_id, channel,
			$2, team_id, 'answered', $3, 'n', $4, $4, $4, $4, $5, $6, $7, $4, $4
		FROM tickets WHERE id = $1 RETURNING id`, ticketID, agents[0], "h"+time.Now().Format(time.RFC3339Nano),
		db.Time(at), score(csat), score(ces), comment).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range agents {
		if _, err := d.Write().Exec(`INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
			VALUES ($1, $2, $3, $4)`, id, a, i == 0, i > 0); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

var defaultWeights = &standing.WeightsPatch{Quality: ptr(50.0), Customer: ptr(30.0), Badges: ptr(20.0), Outcomes: ptr(0.0)}

// TestCustomerFeedbackScore checks doc.go's customer figures, and that
// customer feedback counts only from the minimum of answers.
func TestCustomerFeedbackScore(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.setConfig(standing.ConfigPatch{Weights: defaultWeights, MinAnswers: ptr(5)})
		a, other := e.user("agent"), e.user("agent")
		tk := e.solved(a, false)
		e.reviewAll(map[int64]int{a.ID: 4}) // 75
		e.award(a, tk)                      // 1 of 3
		now := db.Now()
		scores := [][2]int{{5, 7}, {5, 6}, {4, 6}, {4, 5}, {2, 4}}
		for _, sc := range scores[:3] {
			answer(t, d, tk, now, sc[0], sc[1], "", a.ID)
		}
		// Another period's answer and an answer for someone else count not.
		answer(t, d, tk, now.Add(-72*time.Hour), 1, 1, "", a.ID)
		answer(t, d, tk, now, 1, 1, "", other.ID)

		st := e.standingOf(a.ID)
		if st.Answers != 3 || st.Reviews != 1 || *st.Score != 63.10 {
			t.Fatalf("below the minimum: %+v, want 63.10 on 1 review and 3 answers", st)
		}
		if p := partNamed(st, "customer"); p == nil || p.Weight != 0 || !strings.Contains(p.Detail, "not counted") {
			t.Fatalf("customer part below the minimum: %+v", p)
		}
		e.setConfig(standing.ConfigPatch{MinAnswers: ptr(3)})
		if st := e.standingOf(a.ID); *st.Score != 71.25 {
			t.Fatalf("at the minimum: %v, want 71.25", *st.Score)
		}
		e.setConfig(standing.ConfigPatch{MinAnswers: ptr(5)})
		for _, sc := range scores[3:] {
			answer(t, d, tk, now, sc[0], sc[1], "", a.ID)
		}
		st = e.standingOf(a.ID)
		p := partNamed(st, "customer")
		if st.Answers != 5 || *st.Score != 66.92 || p.Weight != 30 || round2(p.Value) != 75.83 {
			t.Fatalf("with 5 answers: %+v %+v, want 66.92 and customer 75.83", st, p)
		}
		// A CSAT-only answer counts in the CSAT mean alone.
		b := e.user("agent")
		tb := e.solved(b, false)
		for range 5 {
			answer(t, d, tb, now, 4, 0, "", b.ID)
		}
		if p := partNamed(e.standingOf(b.ID), "customer"); p.Value != 75 {
			t.Fatalf("CSAT only: %+v", p)
		}
	})
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func (e *env) standingOf(agent int64) *standing.Standing {
	e.t.Helper()
	b, err := e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	st := rowOf(b, agent)
	if st == nil || st.Score == nil {
		e.t.Fatalf("agent %d: %+v", agent, st)
	}
	return st
}

func partNamed(st *standing.Standing, name string) *standing.Part {
	for i := range st.Parts {
		if st.Parts[i].Name == name {
			return &st.Parts[i]
		}
	}
	return nil
}

func TestWeightsAreChecked(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, tc := range []struct {
			patch standing.ConfigPatch
			field string
		}{
			{standing.ConfigPatch{Weights: &standing.WeightsPatch{Customer: ptr(-1.0)}}, "weights.customer"},
			{standing.ConfigPatch{Weights: &standing.WeightsPatch{Quality: ptr(101.0)}}, "weights.quality"},
			{standing.ConfigPatch{Weights: &standing.WeightsPatch{Customer: ptr(10.0)}}, "weights"},
			{standing.ConfigPatch{Weights: &standing.WeightsPatch{Quality: ptr(0.0), Customer: ptr(0.0),
				Badges: ptr(0.0), Outcomes: ptr(0.0)}}, "weights"},
			{standing.ConfigPatch{MinAnswers: ptr(-1)}, "min_answers"},
		} {
			_, err := e.s.UpdateConfig(e.ctx(e.lead), e.lead, tc.patch)
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != apperr.KindInvalid || ae.Field != tc.field {
				t.Errorf("%+v: %v, want invalid %s", tc.patch, err, tc.field)
			}
		}
		c, err := e.s.UpdateConfig(e.ctx(e.lead), e.lead, standing.ConfigPatch{Weights: defaultWeights, MinAnswers: ptr(7)})
		if err != nil || c.Weights.Customer != 30 || c.MinAnswers != 7 {
			t.Fatalf("%+v %v", c, err)
		}
		if got := standing.DefaultConfig(); got.Weights != (standing.Weights{Quality: 50, Customer: 30, Badges: 20}) || got.MinAnswers != 5 {
			t.Fatalf("defaults %+v", got)
		}
	})
}

// TestProfileFeedback: an agent's page lists the answers attributed to
// them, with the ticket, and their months beside their team's; a lead sees
// anyone's; another agent sees none, even where pages are open to all.
func TestProfileFeedback(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a, b := e.user("agent"), e.user("agent")
		tm, err := team.NewService(d).Create(e.ctx(e.lead), team.NewTeam{Name: "Care", MemberIDs: []int64{a.ID, b.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ta, tb := e.solved(a, false), e.solved(b, false)
		for _, tk := range []int64{ta, tb} {
			if _, err := e.tickets.Update(e.ctx(e.lead), tk, ticket.Patch{TeamID: ticket.SetID(&tm.ID)}); err != nil {
				t.Fatal(err)
			}
		}
		now := db.Now()
		answer(t, d, ta, now, 5, 7, "Ana was wonderful", a.ID)
		answer(t, d, tb, now, 2, 3, "Slow", b.ID)
		answer(t, d, tb, now, 4, 0, "", b.ID, a.ID) // a replied on b's ticket

		p, err := e.s.Profile(e.ctx(a), a, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.ShowFeedback || len(p.Feedback.Lines) != 2 {
			t.Fatalf("own feedback %+v", p.Feedback)
		}
		for _, l := range p.Feedback.Lines {
			if l.Comment == "Slow" || l.TicketNumber == 0 {
				t.Fatalf("a line not a's or without its ticket: %+v", l)
			}
		}
		last := p.Feedback.Series[len(p.Feedback.Series)-1]
		// a: CSAT 5 and 4 (100% good), CES 7; team: 5, 2, 4 (66.7%), CES 7 and 3 (5).
		if last.Answers != 2 || *last.CSATScore != 100 || *last.CESMean != 7 || last.TeamAnswers != 3 ||
			*last.TeamCSATScore != 66.7 || *last.TeamCESMean != 5 {
			t.Fatalf("this month %+v", last)
		}
		if lp, err := e.s.Profile(e.ctx(e.lead), e.lead, b.ID); err != nil || !lp.ShowFeedback || len(lp.Feedback.Lines) != 2 {
			t.Fatalf("lead on b: %+v %v", lp, err)
		}
		e.setConfig(standing.ConfigPatch{VisibleTo: ptr(standing.VisibleToEveryone)})
		if op, err := e.s.Profile(e.ctx(b), b, a.ID); err != nil || op.ShowFeedback || op.Feedback != nil {
			t.Fatalf("b on a: %+v %v", op, err)
		}
	})
}
