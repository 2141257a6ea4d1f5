package friction_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/scale"
)

// BenchmarkReportAtScale answers the friction report over the default
// twelve weeks and over the longest period allowed, at 100,000 tickets with
// 30,000 answers and 10,000 tagged tickets (issue 16's goal: p99 <= 50 ms).
// docs/BENCHMARKS.md has the figures:
//
//	go test -run '^$' -bench ReportAtScale -benchtime 200x ./internal/friction/
func BenchmarkReportAtScale(b *testing.B) {
	for _, dialect := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", testutil.NewSQLite}, {"postgres", testutil.NewPostgres}} {
		b.Run(dialect.name, func(b *testing.B) {
			d := dialect.open(b)
			now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			scale.Seed(b, d, scale.Options{Tickets: 100_000, Answers: 30_000, Tagged: 10_000, Now: now})
			svc := friction.New(d, jobs.New(d, testutil.Logger(b), jobs.Options{}), nil, nil,
				friction.Options{Now: func() time.Time { return now }})
			for _, span := range []struct{ name, from string }{{"12weeks", ""}, {"longest", "2025-12-08"}} {
				p, err := friction.ParsePeriod(span.from, "2026-12-06", now)
				if err != nil {
					b.Fatal(err)
				}
				b.Run(span.name, func(b *testing.B) {
					scale.Latencies(b, func(int) error {
						_, err := svc.Report(testutil.As(0), p)
						return err
					})
				})
			}
		})
	}
}
