package standing_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// env is a database with a lead, a one-value scorecard (Empathetic, 1-5)
// and a review period around now.
type env struct {
	t       *testing.T
	d       *db.DB
	q       *quality.Service
	s       *standing.Service
	tickets *ticket.Service
	lead    *user.User
	valueID int64
	period  *quality.Period
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, q: quality.NewService(d), s: standing.NewService(d), tickets: ticket.NewService(d)}
	e.lead = e.user("admin")
	p, err := e.q.PutPhilosophy(e.ctx(e.lead), e.lead, quality.PhilosophyInput{Vision: "Heard.",
		Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.valueID = p.Values[0].ID
	if _, err := e.q.CreateScorecard(e.ctx(e.lead), e.lead, quality.NewScorecard{Name: "Weekly",
		Categories: []quality.NewCategory{{ValueID: e.valueID}}}); err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	from, to := now.Add(-24*time.Hour), now.Add(24*time.Hour)
	if e.period, err = e.q.CreatePeriod(e.ctx(e.lead), e.lead, quality.NewPeriod{StartsAt: &from, EndsAt: &to,
		PerAgent: 10}); err != nil {
		t.Fatal(err)
	}
	// The fixtures review a ticket or two per agent: these tests are about
	// the weighing, so every agent with data is scored. The minimum has
	// its own test, TestFewReviewsGiveNoScore.
	// The weights are those from before customer feedback joined, which
	// the older tests' figures use; the customer's tests set their own.
	e.setConfig(standing.ConfigPatch{MinReviews: ptr(0), Weights: &standing.WeightsPatch{Quality: ptr(60.0),
		Customer: ptr(0.0), Badges: ptr(20.0), Outcomes: ptr(20.0)}})
	return e
}

func (e *env) user(role string) *user.User {
	e.t.Helper()
	return &user.User{ID: testutil.NewUser(e.t, e.d, role), Role: user.Role(role)}
}

func (e *env) ctx(u *user.User) context.Context { return testutil.As(u.ID) }

// solved opens a ticket for agent and solves it, reopening it first when
// asked.
func (e *env) solved(agent *user.User, reopened bool) int64 {
	e.t.Helper()
	ctx := e.ctx(e.lead)
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: "api",
		Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&agent.ID)}); err != nil {
		e.t.Fatal(err)
	}
	e.status(tk.ID, "solved")
	if reopened {
		e.status(tk.ID, "open")
		e.status(tk.ID, "solved")
	}
	return tk.ID
}

func (e *env) status(id int64, s string) {
	e.t.Helper()
	if _, err := e.tickets.Update(e.ctx(e.lead), id, ticket.Patch{Status: &s}); err != nil {
		e.t.Fatal(err)
	}
}

// reviewAll draws the period's queue to the lead and rates each drawn
// ticket with ratings[agent] (1-5).
func (e *env) reviewAll(ratings map[int64]int) {
	e.t.Helper()
	ctx := e.ctx(e.lead)
	res, err := e.q.Draw(ctx, e.lead, e.period.ID, []int64{e.lead.ID}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range res.Drawn {
		r, ok := ratings[a.AgentID]
		if !ok {
			continue
		}
		draft, err := e.q.CreateReview(ctx, e.lead, quality.NewReview{AssignmentID: a.ID})
		if err != nil {
			e.t.Fatal(err)
		}
		sc, err := e.q.Scorecard(ctx, draft.ScorecardID)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.q.UpdateReview(ctx, e.lead, draft.ID, quality.ReviewPatch{Ratings: []quality.Rating{
			{CategoryID: sc.Categories[0].ID, Rating: &r}}}); err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.q.SubmitReview(ctx, e.lead, draft.ID); err != nil {
			e.t.Fatal(err)
		}
	}
}

// award writes a badge straight into recognition's table, as its service
// would, for the tickets given.
func (e *env) award(agent *user.User, ticketID int64) {
	e.t.Helper()
	_, err := e.d.Write().Exec(`INSERT INTO badge_awards (value_id, value_name, value_code, value_colour, ticket_id,
		agent_id, awarded_by, source, citation, created_at) VALUES ($1, 'Empathetic', 'E', '#aa0000', $2, $3, $4,
		'direct', 'Kind words', $5)`, e.valueID, ticketID, agent.ID, e.lead.ID, db.Time(db.Now()))
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) setConfig(p standing.ConfigPatch) {
	e.t.Helper()
	if _, err := e.s.UpdateConfig(e.ctx(e.lead), e.lead, p); err != nil {
		e.t.Fatal(err)
	}
}
