package report

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// CreatedPerHour counts the tickets created in each of the given roll-up
// hours (hours since the epoch, UTC), on one channel or, for "", on all:
// what the staffing forecast averages.
func (s *Service) CreatedPerHour(ctx context.Context, channel string, hours []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(hours) == 0 {
		return out, nil
	}
	dim := DimChannel
	if channel == "" {
		dim = DimAll
	}
	in, args := db.InList(3, hours)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT hour, SUM(created) FROM report_hourly
		WHERE dim = $1 AND dim_key = $2 AND hour IN (`+in+`) GROUP BY hour`, append([]any{dim, channel}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("report: created per hour: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h, n int64
		if err := rows.Scan(&h, &n); err != nil {
			return nil, fmt.Errorf("report: created per hour: %w", err)
		}
		out[h] = n
	}
	return out, rows.Err()
}

// CreatedPerHourByKey counts the tickets created in each of the given
// roll-up hours per key of one dimension (DimTeam: team ids, "" for no
// team; DimChannel: channels), in one grouped query: what the live board
// draws for every team at once.
func (s *Service) CreatedPerHourByKey(ctx context.Context, dim string, hours []int64) (map[string]map[int64]int64, error) {
	out := map[string]map[int64]int64{}
	if len(hours) == 0 {
		return out, nil
	}
	in, args := db.InList(2, hours)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT dim_key, hour, created FROM report_hourly
		WHERE dim = $1 AND hour IN (`+in+`) AND created <> 0`, append([]any{dim}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("report: created per hour by %s: %w", dim, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var h, n int64
		if err := rows.Scan(&key, &h, &n); err != nil {
			return nil, fmt.Errorf("report: created per hour by %s: %w", dim, err)
		}
		if out[key] == nil {
			out[key] = map[int64]int64{}
		}
		out[key][h] += n
	}
	return out, rows.Err()
}
