package report

import (
	"context"
	"fmt"
	"math"
)

// csat answers the share of CSAT answers that were satisfied (CSATSatisfied
// or more), by the hour each survey was first answered.
func (s *Service) csat(ctx context.Context, p Params) ([]Row, error) {
	return s.answers(ctx, p, "csat_n", "csat_sat", func(n, sum int64) map[string]float64 {
		return map[string]float64{"answers": float64(n), "satisfied_percent": percent(float64(sum) / float64(n))}
	})
}

// ces answers the average Customer Effort Score (1-7) of the answers.
func (s *Service) ces(ctx context.Context, p Params) ([]Row, error) {
	return s.answers(ctx, p, "ces_n", "ces_sum", func(n, sum int64) map[string]float64 {
		return map[string]float64{"answers": float64(n), "average": math.Round(float64(sum)/float64(n)*100) / 100}
	})
}

// answers sums a count column and its companion per period and group, and
// makes each row's figures with values; hours without answers are skipped
// before summing (most hours have none). The columns come from the two
// callers above, never from input.
func (s *Service) answers(ctx context.Context, p Params, count, sum string, values func(n, sum int64) map[string]float64) ([]Row, error) {
	q, args := p.reportSums(sumsQuery{cols: []string{count, sum}, sums: "SUM(" + count + "), SUM(" + sum + ")",
		filter: count + " <> 0", having: "SUM(" + count + ") > 0"})
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", p.Name, err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var n, total, per int64
		var key string
		if err := rows.Scan(&per, &key, &n, &total); err != nil {
			return nil, fmt.Errorf("report: %s: %w", p.Name, err)
		}
		out = append(out, Row{Period: p.periodLabel(per), GroupKey: key, Values: values(n, total)})
	}
	return out, rows.Err()
}
