// Package report keeps the hourly roll-ups that reports and charts read,
// and answers the reports from them. Each ticket's share of the roll-up is
// remembered (report_facts), so when a ticket changes the old share is taken
// out and the new one put in, as its events arrive; a report then sums an
// hour range of one dimension and never reads tickets. Medians and 90th
// percentiles come from log-spaced histograms kept in the same rows.
package report

import (
	"math"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
)

// Service keeps the roll-ups and answers reports.
type Service struct {
	db     *db.DB
	levels *sla.Service // goals only: read, never a clock moved
}

// NewService returns the report service.
func NewService(d *db.DB) *Service { return &Service{db: d, levels: sla.New(d, nil, sla.Options{})} }

// Dimensions a report can be grouped by; "all" is the whole desk.
const (
	DimAll     = "all"
	DimTeam    = "team"
	DimAgent   = "agent"
	DimChannel = "channel"
	DimTag     = "tag"
)

// Buckets is how many histogram buckets each time metric keeps.
const Buckets = 32

// bucketOf places seconds in its histogram bucket: bucket 0 holds under a
// minute, bucket k (1..Buckets-2) holds [60·2^((k-1)/2), 60·2^(k/2)), and the
// last holds the rest (over about 22 days). Two buckets per doubling keep a
// percentile's estimate within about 19% of the truth.
func bucketOf(seconds int64) int {
	if seconds < 60 {
		return 0
	}
	k := int(math.Floor(2*math.Log2(float64(seconds)/60))) + 1
	return min(k, Buckets-1)
}

// bucketBounds is the range of seconds bucket k holds; the last one's
// upper bound is its lower bound, as nothing is known above it.
func bucketBounds(k int) (lo, hi float64) {
	if k == 0 {
		return 0, 60
	}
	lo = 60 * math.Pow(2, float64(k-1)/2)
	if k == Buckets-1 {
		return lo, lo
	}
	return lo, 60 * math.Pow(2, float64(k)/2)
}

// quantile estimates the q-th quantile (0..1) of a histogram: the bucket
// holding that rank, and within it a geometric interpolation (linear in
// the first bucket, which starts at zero).
func quantile(h []int64, q float64) (float64, bool) {
	var total int64
	for _, n := range h {
		total += n
	}
	if total <= 0 {
		return 0, false
	}
	rank := q * float64(total)
	var seen float64
	for k, n := range h {
		if n <= 0 {
			continue
		}
		if seen+float64(n) >= rank {
			lo, hi := bucketBounds(k)
			frac := (rank - seen) / float64(n)
			if k == 0 {
				return lo + frac*(hi-lo), true
			}
			return lo * math.Pow(hi/lo, frac), true
		}
		seen += float64(n)
	}
	lo, _ := bucketBounds(len(h) - 1)
	return lo, true
}
