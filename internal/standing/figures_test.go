package standing_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestServiceFiguresBesideTheTeams: an agent's first reply median, first
// replies in target (sla's formula on their assigned tickets), CSAT and
// CES over 30 days, beside their team's, and beside the desk's for an
// agent in no team.
func TestServiceFiguresBesideTheTeams(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		admin := testutil.NewUser(t, d, "admin")
		ctx := testutil.As(admin)
		a, b, loner := testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent")
		teams := team.NewService(d)
		billing, err := teams.Create(ctx, team.NewTeam{Name: "Billing", MemberIDs: []int64{a, b}})
		if err != nil {
			t.Fatal(err)
		}
		tickets := ticket.NewService(d)
		now := db.Now()
		created := now.Add(-48 * time.Hour)
		// a answers after 10, 20 and 30 minutes; b after 2 hours.
		type seeded struct {
			agent int64
			reply time.Duration
			state string
		}
		var ids []int64
		plan := []seeded{{a, 10 * time.Minute, "fulfilled"}, {a, 20 * time.Minute, "fulfilled"}, {a, 30 * time.Minute, "breached"},
			{b, 2 * time.Hour, "fulfilled"}}
		for _, s := range plan {
			tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: "email",
				Requester: ticket.Requester{Email: "ada@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			agent := s.agent
			if _, err := tickets.Update(ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&billing.ID), AssigneeID: ticket.SetID(&agent)}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tk.ID)
		}
		queue := jobs.New(d, testutil.Logger(t), jobs.Options{})
		svc := sla.New(d, queue, sla.Options{})
		if _, err := svc.CreatePolicy(ctx, sla.NewPolicy{Name: "All", Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 25}}}); err != nil {
			t.Fatal(err)
		}
		// The policy targeted the open tickets; then they are answered, as
		// told, two days ago.
		for i, s := range plan {
			if _, err := d.Write().Exec(`UPDATE tickets SET created_at = $1, first_reply_at = $2 WHERE id = $3`,
				db.Time(created), db.Time(created.Add(s.reply)), ids[i]); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Write().Exec(`UPDATE sla_clocks SET state = $1, due_at = $2 WHERE ticket_id = $3`,
				s.state, db.Time(created.Add(25*time.Minute)), ids[i]); err != nil {
				t.Fatal(err)
			}
		}
		reports := report.NewService(d)
		if err := reports.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		// a's customers: CSAT 5 and 2, CES 2 and 6; b's: 5 and 1.
		answer(t, d, ids[0], now.Add(-time.Hour), 5, 2, "", a)
		answer(t, d, ids[1], now.Add(-time.Hour), 2, 6, "", a)
		answer(t, d, ids[3], now.Add(-time.Hour), 5, 1, "", b)

		src := standing.FigureSources{SLA: svc, Reports: reports, Teams: teams,
			Feedback: feedback.New(d, queue, nil, make([]byte, 32), testutil.Logger(t), feedback.Options{})}
		f, err := standing.FiguresOf(ctx, src, a, now)
		if err != nil {
			t.Fatal(err)
		}
		if f.TeamName != "Billing" || f.Agent.FirstReplies != 3 || f.Team.FirstReplies != 4 {
			t.Fatalf("figures %+v", f)
		}
		// The roll-up's median is an estimate within a bucket (about 19%).
		if m := f.Agent.FirstReplySeconds; m == nil || *m < 1000 || *m > 1450 {
			t.Errorf("agent median %v, want about 1200 s", deref(m))
		}
		if l := f.Agent.Level; l.Met != 2 || l.Missed != 1 || *l.Share != 2.0/3 {
			t.Errorf("agent level %+v", l)
		}
		if l := f.Team.Level; l.Met != 3 || l.Missed != 1 || *l.Share != 0.75 {
			t.Errorf("team level %+v", l)
		}
		if deref(f.Agent.CSAT) != 50 || deref(f.Agent.CES) != 4 || f.Agent.Answered != 2 ||
			deref(f.Team.CSAT) != 66.7 || deref(f.Team.CES) != 3 || f.Team.Answered != 3 {
			t.Errorf("surveys: agent %v %v, team %v %v", deref(f.Agent.CSAT), deref(f.Agent.CES), deref(f.Team.CSAT), deref(f.Team.CES))
		}
		// An agent in no team is compared with the desk.
		f, err = standing.FiguresOf(ctx, src, loner, now)
		if err != nil {
			t.Fatal(err)
		}
		if f.TeamName != "" || f.Agent.FirstReplySeconds != nil || f.Agent.Level.Share != nil || f.Agent.CSAT != nil ||
			f.Team.FirstReplies != 4 || f.Team.Level.Met != 3 || deref(f.Team.CSAT) != 66.7 || f.Team.Answered != 3 {
			t.Errorf("loner %+v", f)
		}
	})
}

func deref(f *float64) float64 {
	if f == nil {
		return -1
	}
	return *f
}
