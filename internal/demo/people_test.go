package demo_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestGenerateCoachingConcernsAndTiers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
		res, err := demo.Generate(ctx, d, demo.Options{Tickets: 300, Seed: 9, Users: users})
		if err != nil {
			t.Fatal(err)
		}
		q := d.Read()
		var sessions, actions, done, links, statuses int
		q.QueryRow(`SELECT COUNT(*) FROM coaching_sessions`).Scan(&sessions)
		q.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN done THEN 1 ELSE 0 END), 0) FROM coaching_actions`).Scan(&actions, &done)
		q.QueryRow(`SELECT COUNT(*) FROM coaching_links`).Scan(&links)
		q.QueryRow(`SELECT COUNT(DISTINCT status) FROM concerns`).Scan(&statuses)
		if sessions != 4 || done == 0 || done == actions || links < 8 || statuses != 4 {
			t.Fatalf("%d sessions, %d of %d actions done, %d links, %d concern statuses", sessions, done, actions, links, statuses)
		}
		// Two follow-ups are due: the reminder loop tells both people of
		// each, once.
		if n, err := coaching.NewService(d).RemindDue(ctx); err != nil || n != 2 {
			t.Fatalf("reminded of %d follow-ups: %v", n, err)
		}
		lead, err := users.GetByEmail(ctx, res.AdminEmail)
		if err != nil {
			t.Fatal(err)
		}
		c, err := standing.NewService(d).Config(ctx)
		if err != nil || c.GreenFrom != 75 || c.OrangeFrom != 55 {
			t.Fatalf("cut-offs %+v %v", c, err)
		}
		if _, err := standing.NewService(d).Leaderboard(testutil.As(lead.ID), lead, 0); err != nil {
			t.Fatal(err)
		}
	})
}
