package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestGenerateRunsTheReviewProgramme(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		res, err := demo.Generate(ctx, d, demo.Options{Tickets: 1500, Seed: 3, Users: users, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		q := quality.NewService(d)
		lead, err := users.GetByEmail(ctx, res.AdminEmail)
		if err != nil {
			t.Fatal(err)
		}
		periods, err := q.Periods(ctx)
		if err != nil || len(periods) != 13 || !periods[0].StartsAt.Equal(quality.WeekStart(now)) {
			t.Fatalf("periods: %v, %d, latest %+v", err, len(periods), periods[0])
		}
		var submitted, lo, hi float64
		var oldest, newest time.Time
		err = d.Read().QueryRow(`SELECT COUNT(*), MIN(score), MAX(score) FROM reviews
			WHERE status = 'submitted' AND calibration_id IS NULL`).Scan(&submitted, &lo, &hi)
		if err != nil || submitted < 150 || lo > 50 || hi < 95 {
			t.Fatalf("%v: %v submitted reviews scoring %v to %v", err, submitted, lo, hi)
		}
		err = d.Read().QueryRow(`SELECT MIN(submitted_at), MAX(submitted_at) FROM reviews`).
			Scan(db.ScanTime(&oldest), db.ScanTime(&newest))
		if err != nil || newest.After(now) || newest.Sub(oldest) < 70*24*time.Hour {
			t.Fatalf("%v: reviews from %v to %v", err, oldest, newest)
		}
		// The lead has a queue waiting this week, and disputes were answered.
		queue, err := q.Queue(ctx, lead, periods[0].ID)
		if err != nil || len(queue) == 0 {
			t.Fatalf("this week's queue: %v %d", err, len(queue))
		}
		disputes, err := q.Disputes(ctx, lead, "")
		answered := 0
		for _, dp := range disputes {
			if dp.Status != quality.DisputeOpen {
				answered++
			}
		}
		if err != nil || answered == 0 {
			t.Fatalf("disputes: %v, %d of %d answered", err, answered, len(disputes))
		}
		cals, err := q.Calibrations(ctx, lead)
		if err != nil || len(cals) != 1 || cals[0].Status != quality.SessionClosed || cals[0].Submitted != 3 {
			t.Fatalf("calibration: %v %+v", err, cals)
		}
		if ag, err := q.Agreements(ctx, lead); err != nil || len(ag) != 3 {
			t.Fatalf("agreement: %v %+v", err, ag)
		}
		var future int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM events WHERE type LIKE 'review.%' AND at > $1`,
			db.Time(now)).Scan(&future); err != nil || future != 0 || testutil.Count(t, d, "outbox") != 0 {
			t.Fatalf("%v: %d review events after now, %d outbox rows", err, future, testutil.Count(t, d, "outbox"))
		}
	})
}
