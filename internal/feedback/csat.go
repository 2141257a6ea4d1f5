package feedback

import (
	"context"
	"strconv"
	"time"
)

// CSATScore answers the CSAT score (the share of CSAT answers scoring 4 or
// 5, in percent with one decimal, as Summarize counts it) of the surveys
// sent in [from, to) for one team's tickets (teamID 0: every ticket); nil
// when no survey of the period has a CSAT answer. It reads what Summarize
// reads: whole days from their kept sums.
func (s *Service) CSATScore(ctx context.Context, teamID int64, from, to time.Time) (*float64, error) {
	groupBy, key := "", "all"
	if teamID != 0 {
		groupBy, key = "team", strconv.FormatInt(teamID, 10)
	}
	sums, err := s.sums(ctx, s.db.Reader(ctx), groupBy, from, to)
	if err != nil {
		return nil, err
	}
	t := sums[key]
	return share(t.csatGood, t.csatN), nil
}
