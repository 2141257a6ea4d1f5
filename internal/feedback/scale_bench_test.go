package feedback_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/scale"
)

// BenchmarkSummaryAtScale answers the feedback summary, by each grouping
// over a quarter and over the year, at 100,000 tickets with 30,000 answers
// (issue 16's goal: p99 <= 50 ms). docs/BENCHMARKS.md has the figures:
//
//	go test -run '^$' -bench SummaryAtScale -benchtime 200x ./internal/feedback/
func BenchmarkSummaryAtScale(b *testing.B) {
	for _, dialect := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", testutil.NewSQLite}, {"postgres", testutil.NewPostgres}} {
		d := dialect.open(b)
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		scale.Seed(b, d, scale.Options{Tickets: 100_000, Answers: 30_000, Tagged: 10_000, Now: now})
		if d.Dialect() == db.Postgres {
			// The seeder writes a year of surveys in one transaction, which
			// leaves each day's sums (feedback_daily, kept by triggers)
			// behind some 300,000 dead row versions; autovacuum clears them
			// as a year of answers arrives, so the benchmark does it once.
			if _, err := d.Write().Exec(`VACUUM ANALYZE feedback_daily`); err != nil {
				b.Fatal(err)
			}
		}
		log := testutil.Logger(b)
		svc := feedback.New(d, jobs.New(d, log, jobs.Options{}), nil, []byte("0123456789abcdef0123456789abcdef"),
			log, feedback.Options{Now: func() time.Time { return now }})
		for _, span := range []struct {
			name     string
			from, to string
		}{{"quarter", "2026-09-07", "2026-12-06"}, {"year", "2025-12-07", "2026-12-06"}} {
			from, to, err := feedback.ParseRange(span.from, span.to, now)
			if err != nil {
				b.Fatal(err)
			}
			for _, group := range []string{"agent", "team", "channel", "day"} {
				b.Run(fmt.Sprintf("%s/%s/%s", dialect.name, span.name, group), func(b *testing.B) {
					scale.Latencies(b, func(int) error {
						_, err := svc.Summarize(testutil.As(0), group, from, to)
						return err
					})
				})
			}
		}
	}
}
