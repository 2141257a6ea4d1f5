package coaching_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

type env struct {
	t       *testing.T
	d       *db.DB
	c       *coaching.Service
	lead    *user.User
	ticket  int64
	valueID int64
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, c: coaching.NewService(d)}
	e.lead = e.user("admin")
	tk, err := ticket.NewService(d).Create(e.ctx(e.lead), ticket.NewTicket{Subject: "Refund", Body: "Please",
		Channel: "api", Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	e.ticket = tk.ID
	p, err := quality.NewService(d).PutPhilosophy(e.ctx(e.lead), e.lead, quality.PhilosophyInput{Vision: "Heard.",
		Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.valueID = p.Values[0].ID
	return e
}

func (e *env) user(role string) *user.User {
	e.t.Helper()
	return &user.User{ID: testutil.NewUser(e.t, e.d, role), Role: user.Role(role)}
}

func (e *env) ctx(u *user.User) context.Context { return testutil.As(u.ID) }

func (e *env) session(agent *user.User, followUp *time.Time) *coaching.Session {
	e.t.Helper()
	s, err := e.c.CreateSession(e.ctx(e.lead), e.lead, coaching.NewSession{AgentID: agent.ID,
		Notes: "Talked through the refund.", FollowUpAt: followUp, TicketIDs: []int64{e.ticket},
		ValueIDs: []int64{e.valueID}, Actions: []string{"Reread the refund policy", "Ask before promising"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestSessionAccess(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		agent, other := e.user("agent"), e.user("agent")
		s := e.session(agent, nil)
		if len(s.Links) != 2 || s.Links[0].Label != "#1 Refund" || s.Links[1].Label != "Empathetic" || len(s.Actions) != 2 {
			t.Fatalf("session %+v", s)
		}
		// The agent reads their own and ticks an action.
		if _, err := e.c.Session(e.ctx(agent), agent, s.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.c.SetActionDone(e.ctx(agent), agent, s.ID, s.Actions[0].ID, true)
		if err != nil || !got.Actions[0].Done || got.Actions[0].DoneAt == nil || got.DoneActions() != 1 {
			t.Fatalf("tick: %+v %v", got, err)
		}
		// Another agent learns nothing: not found, an empty list, no tick.
		if _, err := e.c.Session(e.ctx(other), other, s.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("other read it: %v", err)
		}
		if list, _ := e.c.Sessions(e.ctx(other), other, agent.ID); len(list) != 0 {
			t.Fatalf("other listed %d", len(list))
		}
		if list, _ := e.c.Sessions(e.ctx(other), other, 0); len(list) != 0 {
			t.Fatalf("other listed %d of everyone's", len(list))
		}
		if _, err := e.c.SetActionDone(e.ctx(other), other, s.ID, s.Actions[1].ID, true); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("other ticked: %v", err)
		}
		// Only leads open or change sessions.
		if _, err := e.c.CreateSession(e.ctx(agent), agent, coaching.NewSession{AgentID: other.ID}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent coached: %v", err)
		}
		notes := "x"
		if _, err := e.c.UpdateSession(e.ctx(agent), agent, s.ID, coaching.SessionPatch{Notes: &notes}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent edited: %v", err)
		}
		// With coaching open to agents, the other agent reads but does not tick.
		if err := e.c.SetVisibleToAgents(e.ctx(agent), agent, true); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent changed the setting: %v", err)
		}
		if err := e.c.SetVisibleToAgents(e.ctx(e.lead), e.lead, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.Session(e.ctx(other), other, s.ID); err != nil {
			t.Fatalf("open coaching: %v", err)
		}
		if list, _ := e.c.Sessions(e.ctx(other), other, 0); len(list) != 1 {
			t.Fatalf("open coaching listed %d", len(list))
		}
		if _, err := e.c.SetActionDone(e.ctx(other), other, s.ID, s.Actions[1].ID, true); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("other ticked an open session: %v", err)
		}
	})
}

func TestSessionChecks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		agent := e.user("agent")
		for _, tc := range []struct {
			in    coaching.NewSession
			field string
		}{
			{coaching.NewSession{}, "agent_id"},
			{coaching.NewSession{AgentID: e.lead.ID}, "agent_id"},
			{coaching.NewSession{AgentID: 999999}, "agent_id"},
			{coaching.NewSession{AgentID: agent.ID, TicketIDs: []int64{999999}}, "ticket_ids"},
			{coaching.NewSession{AgentID: agent.ID, ValueIDs: []int64{999999}}, "value_ids"},
			{coaching.NewSession{AgentID: agent.ID, ReviewIDs: []int64{999999}}, "review_ids"},
			{coaching.NewSession{AgentID: agent.ID, Actions: []string{"  "}}, "actions"},
		} {
			_, err := e.c.CreateSession(e.ctx(e.lead), e.lead, tc.in)
			if ae, ok := apperr.As(err); !ok || ae.Field != tc.field {
				t.Errorf("%+v: %v, want an error on %s", tc.in, err, tc.field)
			}
		}
		if n := testutil.Count(t, d, "coaching_sessions"); n != 0 {
			t.Fatalf("bad input stored %d sessions", n)
		}
	})
}

func TestFollowUpRemindsBothOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		agent := e.user("agent")
		past, future := db.Now().Add(-time.Minute), db.Now().Add(time.Hour)
		due := e.session(agent, &past)
		e.session(agent, &future)
		e.session(agent, nil)

		n, err := e.c.RemindDue(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("first round: %d %v", n, err)
		}
		if got := remindersOf(t, d, due.ID); got[e.lead.ID] != 1 || got[agent.ID] != 1 || len(got) != 2 {
			t.Fatalf("reminders %v", got)
		}
		// Again, and after a restart (a new service): nothing more.
		for _, s := range []*coaching.Service{e.c, coaching.NewService(d)} {
			if n, err := s.RemindDue(context.Background()); err != nil || n != 0 {
				t.Fatalf("again: %d %v", n, err)
			}
		}
		if got := remindersOf(t, d, due.ID); got[e.lead.ID] != 1 || got[agent.ID] != 1 {
			t.Fatalf("reminders after a second round %v", got)
		}
		// Moving the follow-up arms a new reminder, sent once too.
		later := past.Add(time.Second)
		if _, err := e.c.UpdateSession(e.ctx(e.lead), e.lead, due.ID, coaching.SessionPatch{FollowUpAt: &later}); err != nil {
			t.Fatal(err)
		}
		for want := 1; want >= 0; want-- {
			if n, err := e.c.RemindDue(context.Background()); err != nil || n != want {
				t.Fatalf("after moving: %d %v, want %d", n, err, want)
			}
		}
		if got := remindersOf(t, d, due.ID); got[e.lead.ID] != 2 || got[agent.ID] != 2 {
			t.Fatalf("reminders after moving %v", got)
		}
	})
}

// remindersOf counts follow-up notifications per recipient for a session.
func remindersOf(t *testing.T, d *db.DB, sessionID int64) map[int64]int {
	t.Helper()
	rows, err := d.Read().Query(`SELECT recipient_id FROM notifications WHERE kind = 'follow_up' AND link = $1`,
		"/coaching/"+strconv.FormatInt(sessionID, 10))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out[id]++
	}
	return out
}
