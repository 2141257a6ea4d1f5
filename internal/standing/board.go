package standing

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Standing is an agent's balanced score and tier for a period. Move is
// given to the agent and to leads only.
type Standing struct {
	AgentID   int64    `json:"agent_id"`
	AgentName string   `json:"agent_name"`
	Score     *float64 `json:"score"`
	// Reason says why Score is null: ReasonFewReviews, or "" when there is
	// a score (or nothing at all to score).
	Reason  string `json:"reason,omitempty"`
	Reviews int    `json:"reviews"` // submitted reviews in the period
	// Answers is the answered customer surveys attributed to the agent
	// whose ticket was solved in the period.
	Answers int    `json:"answers"`
	Tier    Tier   `json:"tier"`
	Parts   []Part `json:"parts"`
	Move    *Move  `json:"move,omitempty"`
}

// ReasonFewReviews is why an agent with fewer reviews than the
// programme's minimum has no score.
const ReasonFewReviews = "not enough reviews yet"

// Board is a period's leaderboard: every agent's standing for leads (and
// for everyone when the setting allows), else the asker's own only.
type Board struct {
	Period  *quality.Period `json:"period"`
	Cutoffs Cutoffs         `json:"cutoffs"`
	// MinReviews is the reviews an agent needs in the period for a score.
	MinReviews int `json:"min_reviews"`
	// MinAnswers is the customer answers before customer feedback counts.
	MinAnswers int        `json:"min_answers"`
	Everyone   bool       `json:"everyone"` // the rows are the whole team's
	Rows       []Standing `json:"rows"`
}

// Leaderboard returns the standings for a period (0 for the one to open
// on: see pickPeriod), best first, agents with no score last.
func (s *Service) Leaderboard(ctx context.Context, who *user.User, periodID int64) (*Board, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	cfg, err := loadConfig(ctx, q)
	if err != nil {
		return nil, err
	}
	p, err := s.pickPeriod(ctx, q, periodID)
	if err != nil {
		return nil, err
	}
	all, err := s.standings(ctx, q, p, cfg)
	if err != nil {
		return nil, err
	}
	b := &Board{Period: p, Cutoffs: cfg.Cutoffs, MinReviews: cfg.MinReviews, MinAnswers: cfg.MinAnswers, Everyone: who.IsLead() || cfg.VisibleTo == VisibleToEveryone,
		Rows: []Standing{}}
	for _, st := range all {
		if st.AgentID != who.ID && !b.Everyone {
			continue
		}
		if st.AgentID != who.ID && !who.IsLead() {
			st.Move = nil
		}
		b.Rows = append(b.Rows, st)
	}
	return b, nil
}

// AgentStanding returns one agent's standing for a period (0 as for
// Leaderboard), or "not found" to whoever may not see it.
func (s *Service) AgentStanding(ctx context.Context, who *user.User, agentID, periodID int64) (*Standing, error) {
	b, err := s.Leaderboard(ctx, who, periodID)
	if err != nil {
		return nil, err
	}
	for _, st := range b.Rows {
		if st.AgentID == agentID {
			return &st, nil
		}
	}
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	if !mayView(who, agentID, cfg) {
		return nil, apperr.NotFound("agent")
	}
	name, err := agentName(ctx, s.db.Reader(ctx), agentID)
	if err != nil {
		return nil, err
	}
	return &Standing{AgentID: agentID, AgentName: name, Parts: []Part{}}, nil
}

// pickPeriod returns period id, or for 0 the period a board opens on: the
// latest that is over and has a submitted review (a current period is
// mostly empty until its end, and would show a team with nothing to see);
// before any such period, the latest that has started (the latest of all
// if none has).
func (s *Service) pickPeriod(ctx context.Context, q db.Queryer, id int64) (*quality.Period, error) {
	const cols = `id, starts_at, ends_at, per_agent, scorecard_id, created_by, created_at`
	var row *sql.Row
	now := db.Time(s.now())
	switch {
	case id != 0:
		row = q.QueryRowContext(ctx, `SELECT `+cols+` FROM review_periods WHERE id = $1`, id)
	default:
		row = q.QueryRowContext(ctx, `SELECT `+cols+` FROM review_periods p
			ORDER BY CASE WHEN p.ends_at <= $1 AND EXISTS (SELECT 1 FROM reviews r
				WHERE r.period_id = p.id AND r.status = 'submitted' AND r.calibration_id IS NULL) THEN 0
				WHEN p.starts_at <= $1 THEN 1 ELSE 2 END,
				CASE WHEN p.ends_at <= $1 THEN p.ends_at ELSE p.starts_at END DESC, p.id DESC LIMIT 1`, now)
	}
	var p quality.Period
	err := row.Scan(&p.ID, db.ScanTime(&p.StartsAt), db.ScanTime(&p.EndsAt), &p.PerAgent, &p.ScorecardID,
		&p.CreatedBy, db.ScanTime(&p.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("review period")
	}
	if err != nil {
		return nil, fmt.Errorf("standing: period: %w", err)
	}
	return &p, nil
}

// standings works out every measured agent's standing in p, best first.
func (s *Service) standings(ctx context.Context, q db.Queryer, p *quality.Period, cfg Config) ([]Standing, error) {
	measured := make([]map[int64]Measure, len(s.components))
	agents := map[int64]bool{}
	for i, c := range s.components {
		m, err := c.Measure(ctx, q, p, cfg)
		if err != nil {
			return nil, err
		}
		measured[i] = m
		for a := range m {
			agents[a] = true
		}
	}
	parts := map[int64][]Part{}
	reviews, answers := map[int64]int{}, map[int64]int{}
	for i, c := range s.components {
		m := measured[i]
		switch c.(type) {
		case qualityComponent:
			for agent, v := range m {
				reviews[agent] = v.Count
			}
		case customerComponent:
			for agent, v := range m {
				answers[agent] = v.Count
			}
		case badgeComponent:
			if len(m) > 0 {
				fillZeroBadges(m, agents, cfg)
			}
		}
		for agent, v := range m {
			parts[agent] = append(parts[agent], partOf(c, v, cfg))
		}
	}
	names, err := activeAgents(ctx, q)
	if err != nil {
		return nil, err
	}
	out := []Standing{}
	for agent, ps := range parts {
		name, active := names[agent]
		if !active {
			continue
		}
		st := standingOf(agent, name, ps, reviews[agent], cfg)
		st.Answers = answers[agent]
		out = append(out, st)
	}
	slices.SortFunc(out, byScore)
	return out, nil
}

// partOf is a component's measure of an agent as a part of their score.
// Customer feedback on fewer answers than the minimum is shown but weighs
// nothing, so its weight goes to the other parts in proportion to theirs
// (Balance divides by the weights that count).
func partOf(c Component, v Measure, cfg Config) Part {
	p := Part{Name: c.Name(), Label: c.Label(), Value: v.Value, Weight: c.Weight(cfg), Detail: v.Detail}
	if _, ok := c.(customerComponent); ok && v.Count < cfg.MinAnswers {
		p.Weight = 0
		p.Detail += fmt.Sprintf("; not counted below %d", cfg.MinAnswers)
	}
	return p
}

// fillZeroBadges gives 0 badges to every measured agent not awarded any,
// once the period has awards at all (see doc.go).
func fillZeroBadges(m map[int64]Measure, agents map[int64]bool, cfg Config) {
	for agent := range agents {
		if _, ok := m[agent]; !ok {
			m[agent] = badgeMeasure(0, cfg.BadgeTarget)
		}
	}
}

// standingOf weighs an agent's parts into a score and tier, unless they
// have fewer reviews than the minimum: then the parts are shown, but no
// score, and the reason why.
func standingOf(agent int64, name string, parts []Part, reviews int, cfg Config) Standing {
	slices.SortFunc(parts, func(a, b Part) int { return cmp.Compare(partOrder[a.Name], partOrder[b.Name]) })
	st := Standing{AgentID: agent, AgentName: name, Parts: parts, Reviews: reviews}
	if reviews < cfg.MinReviews {
		st.Reason = ReasonFewReviews
		return st
	}
	if score, ok := Balance(parts); ok {
		st.Score = &score
		st.Tier = cfg.TierOf(score)
		st.Move = MoveFor(parts, score, st.Tier, cfg.Cutoffs)
	}
	return st
}

var partOrder = map[string]int{"quality": 0, "customer": 1, "badges": 2, "outcomes": 3}

func byScore(a, b Standing) int {
	switch {
	case a.Score == nil && b.Score == nil:
		return cmp.Compare(a.AgentName, b.AgentName)
	case a.Score == nil:
		return 1
	case b.Score == nil:
		return -1
	}
	if c := cmp.Compare(*b.Score, *a.Score); c != 0 {
		return c
	}
	return cmp.Compare(a.AgentName, b.AgentName)
}

func activeAgents(ctx context.Context, q db.Queryer) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM users WHERE disabled_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("standing: list users: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("standing: scan user: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

func agentName(ctx context.Context, q db.Queryer, id int64) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFound("agent")
	}
	if err != nil {
		return "", fmt.Errorf("standing: agent %d: %w", id, err)
	}
	return name, nil
}
