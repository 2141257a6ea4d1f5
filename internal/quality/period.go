package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Period is a stretch of time (a week by default) whose solved tickets are
// sampled for review, PerAgent tickets per agent, against one scorecard.
type Period struct {
	ID          int64     `json:"id"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	PerAgent    int       `json:"per_agent"`
	ScorecardID int64     `json:"scorecard_id"`
	CreatedBy   *int64    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// NewPeriod is what it takes to open a review period. StartsAt defaults to
// the start of this week (Monday 00:00 UTC) and EndsAt to a week after
// StartsAt; PerAgent to DefaultPerAgent; ScorecardID to the newest scorecard.
type NewPeriod struct {
	StartsAt    *time.Time `json:"starts_at"`
	EndsAt      *time.Time `json:"ends_at"`
	PerAgent    int        `json:"per_agent"`
	ScorecardID int64      `json:"scorecard_id"`
}

// Defaults and limits of review periods.
const (
	DefaultPerAgent = 5
	MaxPerAgent     = 100
	MaxPeriod       = 92 * 24 * time.Hour
)

// WeekStart returns the Monday 00:00 UTC that begins t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	return day.AddDate(0, 0, -back)
}

// CreatePeriod opens a review period; leads only.
func (s *Service) CreatePeriod(ctx context.Context, who *user.User, in NewPeriod) (*Period, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	p, err := s.checkPeriod(in)
	if err != nil {
		return nil, err
	}
	p.CreatedBy = &who.ID
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if p.ScorecardID, err = pickScorecard(ctx, tx, in.ScorecardID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO review_periods (starts_at, ends_at, per_agent, scorecard_id,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			db.Time(p.StartsAt), db.Time(p.EndsAt), p.PerAgent, p.ScorecardID, who.ID, db.Time(p.CreatedAt)).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("starts_at", "a review period for %s to %s already exists",
				p.StartsAt.Format(time.RFC3339), p.EndsAt.Format(time.RFC3339))
		}
		if err != nil {
			return fmt.Errorf("quality: insert period: %w", err)
		}
		return audit.Record(ctx, tx, "review_period.created", "review_period", p.ID,
			map[string]any{"starts_at": p.StartsAt, "ends_at": p.EndsAt, "per_agent": p.PerAgent})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) checkPeriod(in NewPeriod) (*Period, error) {
	now := s.now()
	p := &Period{PerAgent: in.PerAgent, CreatedAt: now, StartsAt: WeekStart(now)}
	if in.StartsAt != nil {
		p.StartsAt = in.StartsAt.UTC().Truncate(time.Millisecond)
	}
	p.EndsAt = p.StartsAt.AddDate(0, 0, 7)
	if in.EndsAt != nil {
		p.EndsAt = in.EndsAt.UTC().Truncate(time.Millisecond)
	}
	if !p.EndsAt.After(p.StartsAt) || p.EndsAt.Sub(p.StartsAt) > MaxPeriod {
		return nil, apperr.Invalid("ends_at", "must be after starts_at, and at most 92 days after")
	}
	switch {
	case p.PerAgent == 0:
		p.PerAgent = DefaultPerAgent
	case p.PerAgent < 0 || p.PerAgent > MaxPerAgent:
		return nil, apperr.Invalid("per_agent", "must be between 1 and %d", MaxPerAgent)
	}
	return p, nil
}

// pickScorecard checks the scorecard asked for, or picks the newest.
func pickScorecard(ctx context.Context, q db.Queryer, id int64) (int64, error) {
	if id != 0 {
		if _, err := getScorecard(ctx, q, id); apperr.Is(err, apperr.KindNotFound) {
			return 0, apperr.Unprocessable("scorecard_id", "no scorecard has id %d", id)
		} else if err != nil {
			return 0, err
		}
		return id, nil
	}
	err := q.QueryRowContext(ctx, `SELECT id FROM scorecards ORDER BY id DESC LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.Unprocessable("scorecard_id", "make a scorecard first")
	}
	if err != nil {
		return 0, fmt.Errorf("quality: newest scorecard: %w", err)
	}
	return id, nil
}

const periodColumns = `id, starts_at, ends_at, per_agent, scorecard_id, created_by, created_at`

func scanPeriod(row scanner) (*Period, error) {
	var p Period
	err := row.Scan(&p.ID, db.ScanTime(&p.StartsAt), db.ScanTime(&p.EndsAt), &p.PerAgent, &p.ScorecardID,
		&p.CreatedBy, db.ScanTime(&p.CreatedAt))
	return &p, err
}

func getPeriod(ctx context.Context, q db.Queryer, id int64) (*Period, error) {
	p, err := scanPeriod(q.QueryRowContext(ctx, `SELECT `+periodColumns+` FROM review_periods WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("review period")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get period %d: %w", id, err)
	}
	return p, nil
}

// Period returns one review period.
func (s *Service) Period(ctx context.Context, id int64) (*Period, error) {
	return getPeriod(ctx, s.db.Reader(ctx), id)
}

// Periods lists the review periods, latest first.
func (s *Service) Periods(ctx context.Context) ([]*Period, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx,
		`SELECT `+periodColumns+` FROM review_periods ORDER BY starts_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("quality: list periods: %w", err)
	}
	defer rows.Close()
	var out []*Period
	for rows.Next() {
		p, err := scanPeriod(rows)
		if err != nil {
			return nil, fmt.Errorf("quality: scan period: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AgentScore is an agent's quality score for a period: the mean of their
// submitted reviews, calibration reviews left out (see doc.go).
type AgentScore struct {
	AgentID int64    `json:"agent_id"`
	Score   *float64 `json:"score"`
	Reviews int      `json:"reviews"`
}

// PeriodScores returns each reviewed agent's score for a period. Leads see
// every agent; anyone else sees only themselves.
func (s *Service) PeriodScores(ctx context.Context, who *user.User, periodID int64) ([]AgentScore, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	if _, err := getPeriod(ctx, q, periodID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT agent_id, score, status, calibration_id IS NOT NULL
		FROM reviews WHERE period_id = $1 ORDER BY agent_id, id`, periodID)
	if err != nil {
		return nil, fmt.Errorf("quality: period reviews: %w", err)
	}
	defer rows.Close()
	byAgent := map[int64][]Scored{}
	var agents []int64
	for rows.Next() {
		var (
			agent  int64
			sc     Scored
			status string
		)
		if err := rows.Scan(&agent, &sc.Score, &status, &sc.Calibration); err != nil {
			return nil, fmt.Errorf("quality: scan period review: %w", err)
		}
		if !who.IsLead() && agent != who.ID {
			continue
		}
		sc.Status = ReviewStatus(status)
		if _, seen := byAgent[agent]; !seen {
			agents = append(agents, agent)
		}
		byAgent[agent] = append(byAgent[agent], sc)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []AgentScore{}
	for _, a := range agents {
		as := AgentScore{AgentID: a}
		if score, n, ok := PeriodScore(byAgent[a]); ok {
			as.Score, as.Reviews = &score, n
		}
		out = append(out, as)
	}
	return out, nil
}
