package report_test

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/scale"
)

// BenchmarkReportsAtScale answers every report, by each grouping it has,
// over a quarter and over a year, at 100,000 tickets with 30,000 survey
// answers and two SLA clocks a ticket (issue 17's goal: p99 <= 100 ms).
// The roll-up is built once from the seeded history first (its time is
// logged). docs/BENCHMARKS.md has the figures:
//
//	go test -run '^$' -bench ReportsAtScale -benchtime 50x -timeout 60m ./internal/report/
//
// CENTERDESK_BENCH_TICKETS sets a smaller desk to try the benchmark out;
// CENTERDESK_BENCH_DB (sqlite or postgres) seeds and measures one database
// only, since the filter of sub-benchmarks still seeds both.
func BenchmarkReportsAtScale(b *testing.B) {
	tickets := 100_000
	if n, err := strconv.Atoi(os.Getenv("CENTERDESK_BENCH_TICKETS")); err == nil && n > 0 {
		tickets = n
	}
	for _, dialect := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", testutil.NewSQLite}, {"postgres", testutil.NewPostgres}} {
		if only := os.Getenv("CENTERDESK_BENCH_DB"); only != "" && only != dialect.name {
			continue
		}
		d := dialect.open(b)
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		scale.Seed(b, d, scale.Options{Tickets: tickets, Answers: tickets * 3 / 10, Tagged: tickets / 10,
			Now: now, SLAClocks: true})
		rep := report.NewService(d)
		ctx := testutil.As(0)
		start := time.Now()
		if err := rep.Rebuild(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: roll-up of %d tickets built in %s", dialect.name, tickets, time.Since(start).Round(time.Millisecond))
		for _, span := range []struct{ name, from, to string }{
			{"quarter", "2026-09-07", "2026-12-06"}, {"year", "2025-12-08", "2026-12-06"},
		} {
			for _, name := range report.Names {
				for _, group := range benchGroups(name) {
					q := url.Values{"from": {span.from}, "to": {span.to}, "group_by": {group}}
					p, err := report.ParseParams(name, q, time.UTC, now)
					if err != nil {
						b.Fatal(err)
					}
					b.Run(fmt.Sprintf("%s/%s/%s/%s", dialect.name, span.name, name, or(group, "desk")), func(b *testing.B) {
						scale.Latencies(b, func(int) error {
							_, err := rep.Run(ctx, p)
							return err
						})
					})
				}
			}
		}
	}
}

func benchGroups(string) []string {
	return []string{"", "team", "agent", "channel", "tag"}
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
