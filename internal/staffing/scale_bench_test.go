package staffing_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/scale"
)

// BenchmarkPlanAtScale makes the 8-hour staffing plan at 100,000 tickets
// over a year, rolled up (the board shows it; issue 17's goal for the
// board: p99 <= 50 ms). docs/BENCHMARKS.md has the figures:
//
//	go test -run '^$' -bench PlanAtScale -benchtime 200x ./internal/staffing/
func BenchmarkPlanAtScale(b *testing.B) {
	for _, dialect := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", testutil.NewSQLite}, {"postgres", testutil.NewPostgres}} {
		d := dialect.open(b)
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		scale.Seed(b, d, scale.Options{Tickets: 100_000, Now: now})
		reports := report.NewService(d)
		if err := reports.Rebuild(testutil.As(0)); err != nil {
			b.Fatal(err)
		}
		clock := func() time.Time { return now }
		src := staffing.Sources{Arrivals: reports, Work: reports, People: presence.NewHub(nil), Zone: schedule.NewService(d),
			SLA: sla.New(d, jobs.New(d, testutil.Logger(b), jobs.Options{Now: clock}), sla.Options{Now: clock})}
		b.Run(dialect.name, func(b *testing.B) {
			scale.Latencies(b, func(int) error {
				_, err := staffing.Plan(testutil.As(0), src, now, 8)
				return err
			})
		})
	}
}
