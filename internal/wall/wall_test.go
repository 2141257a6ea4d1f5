package wall_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/wall"
)

type noMail struct{}

func (noMail) SendNotice(context.Context, outbound.Notice) error { return nil }

type env struct {
	t       *testing.T
	d       *db.DB
	w       *wall.Service
	rec     *recognition.Service
	tickets *ticket.Service
	lead    *user.User
	value   int64
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	rec := recognition.New(d, jobs.New(d, testutil.Logger(t), jobs.Options{}), noMail{}, box, testutil.Logger(t),
		recognition.Options{})
	e := &env{t: t, d: d, w: wall.NewService(d, rec), rec: rec, tickets: ticket.NewService(d)}
	e.lead = e.user("lead")
	p, err := quality.NewService(d).PutPhilosophy(testutil.As(e.lead.ID), e.lead, quality.PhilosophyInput{Vision: "Heard.",
		Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.value = p.Values[0].ID
	return e
}

func (e *env) user(role string) *user.User {
	return &user.User{ID: testutil.NewUser(e.t, e.d, role), Role: user.Role(role)}
}

// ticketFor opens a ticket from a customer, assigned to agent, in team.
func (e *env) ticketFor(customer string, agent, teamID int64) int64 {
	e.t.Helper()
	ctx := testutil.As(e.lead.ID)
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: "Parcel lost", Body: "Where is it?", Channel: "email",
		Requester: ticket.Requester{Email: strings.ToLower(strings.Fields(customer)[0]) + "@example.com", Name: customer}})
	if err != nil {
		e.t.Fatal(err)
	}
	p := ticket.Patch{AssigneeID: ticket.SetID(&agent)}
	if teamID != 0 {
		p.TeamID = ticket.SetID(&teamID)
	}
	if _, err := e.tickets.Update(ctx, tk.ID, p); err != nil {
		e.t.Fatal(err)
	}
	return tk.ID
}

// answer writes an answered survey straight into package feedback's
// tables, as its service would; 0 is a score left out.
func (e *env) answer(ticketID int64, at time.Time, csat, ces int, comment string, agents ...int64) int64 {
	e.t.Helper()
	score := func(n int) any {
		if n == 0 {
			return nil
		}
		return n
	}
	var id int64
	err := e.d.Write().QueryRow(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
		assignee_id, team_id, status, token_nonce, solved_at, sent_at, answered_at, changed_at,
		csat, ces, comment, created_at, updated_at)
		SELECT id, (SELECT COALESCE(MAX(solve_event_id), 0) + 1 FROM feedback_surveys), requester_id, channel,
			assignee_id, team_id, 'answered', 'n', $2, $2, $2, $2, $3, $4, $5, $2, $2
		FROM tickets WHERE id = $1 RETURNING id`, ticketID, db.Time(at), score(csat), score(ces), comment).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, a := range agents {
		if _, err := e.d.Write().Exec(`INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
			VALUES ($1, $2, $3, $4)`, id, a, i == 0, i > 0); err != nil {
			e.t.Fatal(err)
		}
	}
	return id
}

func ids(p *wall.Page) []int64 {
	out := []int64{}
	for _, it := range p.Items {
		out = append(out, it.SurveyID)
	}
	return out
}

func same(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWallFilters(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ana, bo := e.user("agent"), e.user("agent")
		care, err := team.NewService(d).Create(testutil.As(e.lead.ID), team.NewTeam{Name: "Care"})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now()
		day := 24 * time.Hour
		t1 := e.ticketFor("Maria Lopez", ana.ID, care.ID)
		t2 := e.ticketFor("Jo", bo.ID, 0)
		glow := e.answer(t1, now.Add(-3*day), 5, 7, "Ana <b>saved</b> my holiday", ana.ID, bo.ID)
		bad := e.answer(t2, now.Add(-2*day), 1, 2, "Took a week", bo.ID)
		meh := e.answer(t2, now.Add(-day), 3, 0, "", bo.ID)
		easy := e.answer(t1, now, 0, 6, "Easy", ana.ID)
		t3 := e.ticketFor("Sam", bo.ID, 0)
		if _, err := d.Write().Exec(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
			status, token_nonce, solved_at, sent_at, created_at, updated_at)
			SELECT id, 999999, requester_id, channel, 'sent', 'n', $2, $2, $2, $2 FROM tickets WHERE id = $1`,
			t3, db.Time(now)); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		from, to := now.Add(-2*day-time.Hour), now.Add(-time.Hour)
		for _, tc := range []struct {
			name string
			f    wall.Filter
			want []int64
		}{
			{"all, newest first, unanswered left out", wall.Filter{}, []int64{easy, meh, bad, glow}},
			{"positive", wall.Filter{Band: wall.BandPositive}, []int64{easy, glow}},
			{"negative", wall.Filter{Band: wall.BandNegative}, []int64{bad}},
			{"neutral", wall.Filter{Band: wall.BandNeutral}, []int64{meh}},
			{"team", wall.Filter{TeamID: care.ID}, []int64{easy, glow}},
			{"agent counts replies", wall.Filter{AgentID: bo.ID}, []int64{meh, bad, glow}},
			{"with a comment", wall.Filter{HasComment: &yes}, []int64{easy, bad, glow}},
			{"without", wall.Filter{HasComment: &no}, []int64{meh}},
			{"dates", wall.Filter{From: &from, To: &to}, []int64{meh, bad}},
		} {
			p, err := e.w.List(testutil.As(ana.ID), ana, tc.f)
			if err != nil || !same(ids(p), tc.want) {
				t.Errorf("%s: %v %v, want %v", tc.name, ids(p), err, tc.want)
			}
		}
		// Pages follow on from the cursor.
		p1, err := e.w.List(testutil.As(ana.ID), ana, wall.Filter{Limit: 3})
		if err != nil || p1.NextCursor == "" || !same(ids(p1), []int64{easy, meh, bad}) {
			t.Fatalf("first page %v %q %v", ids(p1), p1.NextCursor, err)
		}
		p2, err := e.w.List(testutil.As(ana.ID), ana, wall.Filter{Limit: 3, Cursor: p1.NextCursor})
		if err != nil || p2.NextCursor != "" || !same(ids(p2), []int64{glow}) {
			t.Fatalf("second page %v %q %v", ids(p2), p2.NextCursor, err)
		}
		// First names only; the comment is the customer's text, as given.
		last := p2.Items[0]
		if last.Customer != "Maria" || last.Comment != "Ana <b>saved</b> my holiday" || len(last.Agents) != 2 ||
			last.Agents[0].ID != ana.ID || last.TeamName != "Care" || last.TicketNumber == 0 {
			t.Fatalf("item %+v", last)
		}
		for _, tc := range []struct {
			f     wall.Filter
			field string
		}{
			{wall.Filter{Band: "great"}, "band"},
			{wall.Filter{From: &to, To: &from}, "to"},
			{wall.Filter{Limit: 1000}, "limit"},
			{wall.Filter{Cursor: "nope"}, "cursor"},
		} {
			_, err := e.w.List(testutil.As(ana.ID), ana, tc.f)
			if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindInvalid || ae.Field != tc.field {
				t.Errorf("%+v: %v, want invalid %s", tc.f, err, tc.field)
			}
		}
	})
}

func TestWhoMayRecognise(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ana, bo := e.user("agent"), e.user("agent")
		tk := e.ticketFor("Maria Lopez", ana.ID, 0)
		now := db.Now()
		glow := e.answer(tk, now, 5, 7, "Ana saved my holiday", ana.ID, bo.ID)
		bad := e.answer(tk, now, 1, 1, "Awful", ana.ID)
		bare := e.answer(tk, now, 5, 0, "", ana.ID)
		in := wall.NewRecognition{ValueID: e.value, Message: "Empathy, in the customer's words"}

		if _, err := e.w.Recognize(testutil.As(bo.ID), bo, glow, in); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an agent recognised: %v", err)
		}
		for _, tc := range []struct {
			survey int64
			in     wall.NewRecognition
			kind   apperr.Kind
			field  string
		}{
			{bad, in, apperr.KindUnprocessable, "survey_id"},
			{bare, in, apperr.KindUnprocessable, "survey_id"},
			{glow, wall.NewRecognition{Message: "x"}, apperr.KindInvalid, "value_id"},
			{glow, wall.NewRecognition{ValueID: e.value}, apperr.KindInvalid, "message"},
			{glow, wall.NewRecognition{ValueID: e.value, Message: "x", AgentID: e.lead.ID}, apperr.KindUnprocessable, "agent_id"},
		} {
			_, err := e.w.Recognize(testutil.As(e.lead.ID), e.lead, tc.survey, tc.in)
			if ae, ok := apperr.As(err); !ok || ae.Kind != tc.kind || ae.Field != tc.field {
				t.Errorf("survey %d %+v: %v, want %s", tc.survey, tc.in, err, tc.field)
			}
		}
		if _, err := e.w.Recognize(testutil.As(e.lead.ID), e.lead, 424242, in); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("unknown survey: %v", err)
		}
		a, err := e.w.Recognize(testutil.As(e.lead.ID), e.lead, glow, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.AgentID != ana.ID || a.TicketID != tk || *a.ValueID != e.value ||
			!strings.Contains(a.Citation, "“Ana saved my holiday”") {
			t.Fatalf("award %+v", a)
		}
		if _, err := e.w.Recognize(testutil.As(e.lead.ID), e.lead, glow, in); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("recognised twice: %v", err)
		}
		p, err := e.w.List(testutil.As(bo.ID), bo, wall.Filter{Band: wall.BandPositive, HasComment: ptr(true)})
		if err != nil || len(p.Items) != 1 || p.Items[0].Recognition == nil || p.Items[0].Recognition.AwardID != a.ID ||
			p.Items[0].Recognition.ValueName != "Empathetic" {
			t.Fatalf("wall after recognition: %+v %v", p, err)
		}
		// Bo replied too: a lead may name him instead, on another comment.
		glow2 := e.answer(tk, now, 4, 0, "Bo too", ana.ID, bo.ID)
		in.AgentID = bo.ID
		if a, err := e.w.Recognize(testutil.As(e.lead.ID), e.lead, glow2, in); err != nil || a.AgentID != bo.ID {
			t.Fatalf("naming bo: %+v %v", a, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestCustomerFeedback: the customer's page gathers their answers across
// all their tickets, newest first, with the figures over all of them.
func TestCustomerFeedback(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ana := e.user("agent")
		t1, t2 := e.ticketFor("Maria Lopez", ana.ID, 0), e.ticketFor("Maria Lopez", ana.ID, 0)
		other := e.ticketFor("Jo", ana.ID, 0)
		now := db.Now()
		a := e.answer(t1, now.Add(-time.Hour), 5, 6, "Lovely", ana.ID)
		b := e.answer(t2, now, 2, 3, "Slow", ana.ID)
		e.answer(other, now, 1, 1, "Not Maria's", ana.ID)
		var customer int64
		if err := d.Write().QueryRow(`SELECT requester_id FROM tickets WHERE id = $1`, t1).Scan(&customer); err != nil {
			t.Fatal(err)
		}
		f, err := e.w.ForCustomer(context.Background(), customer, 1)
		if err != nil {
			t.Fatal(err)
		}
		if f.Answered != 2 || !f.More || len(f.Answers) != 1 || f.Answers[0].SurveyID != b || *f.CSATScore != 50 ||
			*f.CSATMean != 3.5 || *f.CESMean != 4.5 || f.Answers[0].TicketID != t2 {
			t.Fatalf("customer feedback %+v", f)
		}
		if f, _ := e.w.ForCustomer(context.Background(), customer, 10); len(f.Answers) != 2 || f.Answers[1].SurveyID != a {
			t.Fatalf("all %+v", f)
		}
	})
}
