package quality_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// env is a database with the quality service and a few users.
type env struct {
	t       *testing.T
	d       *db.DB
	q       *quality.Service
	tickets *ticket.Service
	lead    *user.User
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, q: quality.NewService(d), tickets: ticket.NewService(d)}
	e.lead = e.user("admin")
	return e
}

func (e *env) user(role string) *user.User {
	e.t.Helper()
	return &user.User{ID: testutil.NewUser(e.t, e.d, role), Role: user.Role(role)}
}

func (e *env) ctx(u *user.User) context.Context { return testutil.As(u.ID) }

// solvedTicket opens a ticket, assigns it to agent and solves it, with
// extra agent replies and reopenings to make it need a look.
func (e *env) solvedTicket(agent *user.User, replies, reopens int) int64 {
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
	for i := range replies {
		if _, err := e.tickets.AddMessage(ctx, tk.ID, fmt.Sprintf("Reply %d", i), "reply"); err != nil {
			e.t.Fatal(err)
		}
	}
	e.setStatus(tk.ID, "solved")
	for range reopens {
		e.setStatus(tk.ID, "open")
		e.setStatus(tk.ID, "solved")
	}
	return tk.ID
}

func (e *env) setStatus(id int64, status string) {
	e.t.Helper()
	if _, err := e.tickets.Update(e.ctx(e.lead), id, ticket.Patch{Status: &status}); err != nil {
		e.t.Fatal(err)
	}
}

// values writes a small philosophy and a scorecard from it: Empathetic
// (1-5, weight 2), Responsive (1-5), Trustful (pass/fail, critical).
func (e *env) scorecard() *quality.Scorecard {
	e.t.Helper()
	ctx := e.ctx(e.lead)
	p, err := e.q.PutPhilosophy(ctx, e.lead, quality.PhilosophyInput{Vision: "Customers feel heard.",
		Values: []quality.ValueInput{
			{Name: "Empathetic", Code: "E", Colour: "#aa0000"},
			{Name: "Responsive", Code: "R", Colour: "#00aa00"},
			{Name: "Trustful", Code: "T", Colour: "#0000aa"},
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	two := 2.0
	sc, err := e.q.CreateScorecard(ctx, e.lead, quality.NewScorecard{Name: "Weekly", Categories: []quality.NewCategory{
		{ValueID: p.Values[0].ID, Weight: &two},
		{ValueID: p.Values[1].ID},
		{ValueID: p.Values[2].ID, Scale: quality.ScalePassFail, Critical: true},
	}})
	if err != nil {
		e.t.Fatal(err)
	}
	return sc
}

// period opens a period around now.
func (e *env) period(perAgent int) *quality.Period {
	e.t.Helper()
	now := db.Now()
	from, to := now.Add(-24*60*60*1e9), now.Add(24*60*60*1e9)
	p, err := e.q.CreatePeriod(e.ctx(e.lead), e.lead, quality.NewPeriod{StartsAt: &from, EndsAt: &to,
		PerAgent: perAgent})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// fullRatings rates every category of sc: ranges with r, pass/fail pass.
func fullRatings(sc *quality.Scorecard, r int) []quality.Rating {
	var out []quality.Rating
	for _, c := range sc.Categories {
		v := r
		if c.Scale == quality.ScalePassFail {
			v = 1
		}
		out = append(out, quality.Rating{CategoryID: c.ID, Rating: ptr(v)})
	}
	return out
}

func ticketFor() ticket.NewTicket {
	return ticket.NewTicket{Subject: "Still open", Body: "Hello", Channel: "api",
		Requester: ticket.Requester{Email: "bob@example.com"}}
}

func (e *env) userByID(id int64) *user.User { return &user.User{ID: id, Role: user.RoleAgent} }
