package feedback

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// CSATScore answers the CSAT score (the share of CSAT answers scoring 4 or
// 5, in percent with one decimal, as Summarize counts it) of the surveys
// sent in [from, to) for one team's tickets (teamID 0: every ticket); nil
// when no survey of the period has a CSAT answer.
func (s *Service) CSATScore(ctx context.Context, teamID int64, from, to time.Time) (*float64, error) {
	args := []any{db.Time(from), db.Time(to)}
	team := ""
	if teamID != 0 {
		args = append(args, teamID)
		team = " AND team_id = $3"
	}
	var n, good int64
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(csat), COALESCE(SUM(CASE WHEN csat >= 4 THEN 1 ELSE 0 END), 0)
		FROM feedback_surveys WHERE sent_at >= $1 AND sent_at < $2`+team, args...).Scan(&n, &good)
	if err != nil {
		return nil, fmt.Errorf("feedback: csat score: %w", err)
	}
	return share(good, n), nil
}
