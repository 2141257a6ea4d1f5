package demo_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestDemoHasAPhilosophyAndASurvey checks the demo's philosophy: a lead
// who is not an admin, the six CENTER values with all five answers (and
// so the note about five), two versions, and a survey the team answered.
func TestDemoHasAPhilosophyAndASurvey(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
		res, err := demo.Generate(ctx, d, demo.Options{Tickets: 100, Days: 21, Seed: 3, Users: users})
		if err != nil {
			t.Fatal(err)
		}
		var leads int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM users WHERE role = 'lead'`).Scan(&leads); err != nil || leads != 1 {
			t.Fatalf("%d leads (%v), want 1", leads, err)
		}
		q := quality.NewService(d)
		ph, err := q.Philosophy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ph.Values) != 6 || ph.Warning == "" || ph.Vision == "" {
			t.Fatalf("%d values, warning %q, vision %q", len(ph.Values), ph.Warning, ph.Vision)
		}
		for _, v := range ph.Values {
			if v.Description == "" || v.Meaning == "" || v.InAction == "" || v.Misread == "" || v.JudgedBy == "" || v.Relationships == "" {
				t.Fatalf("value %s lacks an answer: %+v", v.Name, v)
			}
		}
		versions, err := q.Versions(ctx)
		if err != nil || len(versions) != 2 || !versions[1].CreatedAt.Before(versions[0].CreatedAt) {
			t.Fatalf("versions %+v (%v), want two, the newer later", versions, err)
		}
		lead, err := users.GetByEmail(ctx, res.LeadEmail)
		if err != nil {
			t.Fatal(err)
		}
		surveys, err := q.Surveys(ctx, lead)
		if err != nil || len(surveys) != 1 || surveys[0].Answers < 13 || !surveys[0].Answered ||
			surveys[0].Question != quality.DefaultSurveyQuestion {
			t.Fatalf("surveys %+v (%v)", surveys, err)
		}
	})
}
