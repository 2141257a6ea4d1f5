package sla

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Risk counts the open clocks of unsolved tickets that need attention now.
type Risk struct {
	// AtRisk are running clocks at or past their at-risk moment whose
	// deadline has not passed.
	AtRisk int `json:"at_risk"`
	// Breached are clocks whose deadline passed while the metric is still
	// unmet: recorded as breached, or running past the deadline before the
	// check job has recorded it (as ServiceLevel counts them missed).
	Breached int `json:"breached"`
}

// RiskNow counts the clocks at risk and breached now, of one team's
// tickets (teamID 0: every ticket).
func (s *Service) RiskNow(ctx context.Context, teamID int64) (Risk, error) {
	now := db.Time(s.now())
	args := []any{now}
	team := ""
	if teamID != 0 {
		args = append(args, teamID)
		team = " AND c.team_id = $2"
	}
	var r Risk
	err := s.db.Reader(ctx).QueryRowContext(ctx, `
		SELECT
			COALESCE(SUM(CASE WHEN c.state = 'active' AND c.at_risk_at <= $1 AND c.due_at > $1 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN (c.state = 'breached' AND c.fulfilled_at IS NULL)
				OR (c.state = 'active' AND c.due_at <= $1) THEN 1 ELSE 0 END), 0)
		FROM sla_clocks c JOIN tickets t ON t.id = c.ticket_id
		WHERE c.state IN ('active', 'paused', 'breached') AND t.status NOT IN ('solved', 'closed')`+team,
		args...).Scan(&r.AtRisk, &r.Breached)
	if err != nil {
		return Risk{}, fmt.Errorf("sla: clocks at risk: %w", err)
	}
	return r, nil
}
