package report

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Open counts the unsolved tickets of a channel now: every ticket created
// and not solved or closed yet, from the roll-up's open_now column.
func (s *Service) Open(ctx context.Context, channel string) (int64, error) {
	var n int64
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(open_now), 0) FROM report_hourly
		WHERE dim = $1 AND dim_key = $2 AND open_now <> 0`, DimChannel, channel).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("report: open tickets of %s: %w", channel, err)
	}
	return n, nil
}

// ContactSeconds is the mean time from creation to solve of a channel's
// tickets solved since since that were solved within limit: for a live
// channel (phone, chat) the length of a contact handled while the customer
// is on the line, wrap-up included. Tickets left open longer were followed
// up later, not handled in one contact, and are left out. n is how many
// tickets the mean stands on.
func (s *Service) ContactSeconds(ctx context.Context, channel string, since time.Time, limit time.Duration) (mean float64, n int64, err error) {
	var total int64
	err = s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(res_seconds), 0) FROM report_facts
		WHERE channel = $1 AND solved_hour >= $2 AND res_seconds <= $3`,
		channel, hourOf(since), int64(limit/time.Second)).Scan(&n, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("report: contact length of %s: %w", channel, err)
	}
	if n > 0 {
		mean = float64(total) / float64(n)
	}
	return mean, n, nil
}

// FirstReplyMedian estimates the median seconds to a first reply over the
// first replies given in [from, to) under one key of a dimension (an
// agent's or a team's id as text); ok is false when there were none.
func (s *Service) FirstReplyMedian(ctx context.Context, dim, key string, from, to time.Time) (median float64, n int64, ok bool, err error) {
	cols := make([]string, Buckets)
	for k := range cols {
		cols[k] = fmt.Sprintf("COALESCE(SUM(fr_h%02d), 0)", k)
	}
	hist := make([]int64, Buckets)
	var sum int64
	dst := []any{&n, &sum}
	for k := range hist {
		dst = append(dst, &hist[k])
	}
	err = s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(fr_n), 0), COALESCE(SUM(fr_sum), 0), `+strings.Join(cols, ", ")+`
		FROM report_hourly WHERE dim = $1 AND dim_key = $2 AND hour >= $3 AND hour < $4`,
		dim, key, hourOf(from), hourOf(to)).Scan(dst...)
	if err != nil {
		return 0, 0, false, fmt.Errorf("report: first reply median of %s %s: %w", dim, key, err)
	}
	if n == 1 { // one time: known exactly
		return float64(sum), n, true, nil
	}
	median, ok = quantile(hist, 0.5)
	return median, n, ok, nil
}
