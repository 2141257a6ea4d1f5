package sla

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// The desk's goal when nobody set one: 95% met, orange from 85%.
const (
	DefaultGoalPercent   = 95
	DefaultOrangePercent = 85
)

// Colours of a service level against its goal.
const (
	Green  = "green"  // at or above the goal
	Orange = "orange" // below the goal, at or above the orange threshold
	Red    = "red"    // below the orange threshold
	Grey   = "grey"   // nothing decided yet: no service level to judge
)

// Goal is what a team (or, with no TeamID, the desk) aims for.
type Goal struct {
	TeamID        *int64  `json:"team_id"`
	GoalPercent   float64 `json:"goal_percent"`
	OrangePercent float64 `json:"orange_percent"`
	// Inherited says the team has no goal of its own and follows the
	// desk's.
	Inherited bool `json:"inherited"`
}

// Colour judges a level against the goal: green at or above the goal,
// orange at or above the orange threshold, red below, grey with nothing
// decided.
func (g Goal) Colour(l Level) string {
	if l.Share == nil {
		return Grey
	}
	// A hair of tolerance: 97 of 100 met is 97%, whatever the float says.
	switch pct := *l.Share*100 + 1e-9; {
	case pct >= g.GoalPercent:
		return Green
	case pct >= g.OrangePercent:
		return Orange
	default:
		return Red
	}
}

// DeskGoal answers the desk's default goal.
func (s *Service) DeskGoal(ctx context.Context) (Goal, error) {
	g, err := s.storedGoal(ctx, 0)
	if errors.Is(err, sql.ErrNoRows) {
		return Goal{GoalPercent: DefaultGoalPercent, OrangePercent: DefaultOrangePercent}, nil
	}
	return g, err
}

// TeamGoal answers a team's goal, or the desk's when the team has none.
func (s *Service) TeamGoal(ctx context.Context, teamID int64) (Goal, error) {
	g, err := s.storedGoal(ctx, teamID)
	if !errors.Is(err, sql.ErrNoRows) {
		return g, err
	}
	desk, err := s.DeskGoal(ctx)
	if err != nil {
		return Goal{}, err
	}
	desk.TeamID, desk.Inherited = &teamID, true
	return desk, nil
}

// SetGoal sets a team's goal, or with teamID 0 the desk's default. The
// orange threshold must lie in (0, goal].
func (s *Service) SetGoal(ctx context.Context, teamID int64, goalPercent, orangePercent float64) (Goal, error) {
	if !(goalPercent > 0 && goalPercent <= 100) {
		return Goal{}, apperr.Invalid("goal_percent", "must be more than 0 and at most 100")
	}
	if !(orangePercent > 0 && orangePercent <= goalPercent) {
		return Goal{}, apperr.Invalid("orange_percent", "must be more than 0 and at most goal_percent")
	}
	var team any
	if teamID != 0 {
		team = teamID
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// An update first, then an insert: one statement form for the desk
		// row (NULL team) and team rows on both databases.
		res, err := tx.ExecContext(ctx, `UPDATE sla_goals SET goal_percent = $1, orange_percent = $2, updated_at = $3
			WHERE team_id IS NOT DISTINCT FROM $4`, goalPercent, orangePercent, db.Time(s.now()), team)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sla_goals (team_id, goal_percent, orange_percent, updated_at)
			VALUES ($1, $2, $3, $4)`, team, goalPercent, orangePercent, db.Time(s.now()))
		if db.IsForeignKeyViolation(err) {
			return apperr.NotFound("team")
		}
		return err
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return Goal{}, err
		}
		return Goal{}, fmt.Errorf("sla: set goal: %w", err)
	}
	if teamID == 0 {
		return s.DeskGoal(ctx)
	}
	return s.TeamGoal(ctx, teamID)
}

// ClearGoal removes a team's own goal: it follows the desk's again.
func (s *Service) ClearGoal(ctx context.Context, teamID int64) error {
	_, err := s.db.Writer(ctx).ExecContext(ctx, `DELETE FROM sla_goals WHERE team_id = $1`, teamID)
	if err != nil {
		return fmt.Errorf("sla: clear goal: %w", err)
	}
	return nil
}

// storedGoal reads the goal row of a team (0: the desk's);
// sql.ErrNoRows when there is none.
func (s *Service) storedGoal(ctx context.Context, teamID int64) (Goal, error) {
	var team any
	if teamID != 0 {
		team = teamID
	}
	var g Goal
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT team_id, goal_percent, orange_percent FROM sla_goals
		WHERE team_id IS NOT DISTINCT FROM $1`, team).Scan(&g.TeamID, &g.GoalPercent, &g.OrangePercent)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Goal{}, fmt.Errorf("sla: goal: %w", err)
	}
	return g, err
}
