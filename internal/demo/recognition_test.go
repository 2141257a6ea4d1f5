package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestGenerateCelebratesBadges(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		if _, err := demo.Generate(ctx, d, demo.Options{Tickets: 800, Seed: 5, Users: users, Now: now}); err != nil {
			t.Fatal(err)
		}
		var awards, sources, reactions, comments, events int
		var oldest, newest time.Time
		q := d.Read()
		if err := q.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT source), MIN(created_at), MAX(created_at) FROM badge_awards`).
			Scan(&awards, &sources, db.ScanTime(&oldest), db.ScanTime(&newest)); err != nil {
			t.Fatal(err)
		}
		if awards < 20 || sources != 2 || newest.After(now) || newest.Sub(oldest) < 30*24*time.Hour {
			t.Fatalf("%d awards from %d sources, %v to %v", awards, sources, oldest, newest)
		}
		q.QueryRow(`SELECT COUNT(*) FROM award_reactions`).Scan(&reactions)
		q.QueryRow(`SELECT COUNT(*) FROM award_comments`).Scan(&comments)
		q.QueryRow(`SELECT COUNT(*) FROM events WHERE type = 'badge.awarded'`).Scan(&events)
		if reactions == 0 || comments == 0 || events != awards {
			t.Fatalf("%d reactions, %d comments, %d events for %d awards", reactions, comments, events, awards)
		}
		for _, status := range []string{"approved", "declined"} {
			var n int
			q.QueryRow(`SELECT COUNT(*) FROM badge_nominations WHERE status = $1`, status).Scan(&n)
			if n == 0 {
				t.Errorf("no %s nominations", status)
			}
		}
		var open int
		q.QueryRow(`SELECT COUNT(*) FROM badge_proposals WHERE status = 'open'`).Scan(&open)
		if open == 0 {
			t.Error("no open proposals for this week's reviews")
		}
	})
}
