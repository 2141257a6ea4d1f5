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

// Scorecard is what reviewers score tickets against: one category per value
// of the philosophy, each with its scale, weight and critical flag. A
// scorecard does not change once made, so every review keeps its meaning;
// make a new one to score differently.
type Scorecard struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedBy  *int64     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	Categories []Category `json:"categories"`
}

// NewScorecard is what it takes to make a scorecard. With no categories,
// every value becomes one, rated 1-5 with weight 1.
type NewScorecard struct {
	Name       string        `json:"name"`
	Categories []NewCategory `json:"categories"`
}

// NewCategory is one category of a new scorecard. Name defaults to the
// value's; Scale to range; Min and Max to 1 and 5 on a range (pass/fail is
// always 0 and 1); Weight to 1.
type NewCategory struct {
	ValueID  int64    `json:"value_id"`
	Name     string   `json:"name"`
	Scale    Scale    `json:"scale"`
	Min      *int     `json:"min"`
	Max      *int     `json:"max"`
	Weight   *float64 `json:"weight"`
	Critical bool     `json:"critical"`
}

// Limits on scorecards.
const (
	MaxScorecardName = 100
	MaxCategories    = 20
	MaxScale         = 100
	MaxWeight        = 100
)

// CreateScorecard makes a scorecard from the values; leads only.
func (s *Service) CreateScorecard(ctx context.Context, who *user.User, in NewScorecard) (*Scorecard, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	name, err := apperr.CheckText("name", in.Name, MaxScorecardName, true)
	if err != nil {
		return nil, err
	}
	if len(in.Categories) > MaxCategories {
		return nil, apperr.Invalid("categories", "at most %d categories", MaxCategories)
	}
	sc := &Scorecard{Name: name, CreatedBy: &who.ID, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		values, err := listValues(ctx, tx)
		if err != nil {
			return err
		}
		if sc.Categories, err = buildCategories(in.Categories, values); err != nil {
			return err
		}
		if err := insertScorecard(ctx, tx, sc); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "scorecard.created", "scorecard", sc.ID,
			map[string]any{"name": sc.Name, "categories": len(sc.Categories)})
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// buildCategories checks the categories asked for, or makes one per value.
func buildCategories(ins []NewCategory, values []Value) ([]Category, error) {
	if len(ins) == 0 {
		for _, v := range values {
			ins = append(ins, NewCategory{ValueID: v.ID})
		}
	}
	if len(ins) == 0 {
		return nil, apperr.Unprocessable("categories", "write the team's values first, or list categories")
	}
	byID := map[int64]Value{}
	for _, v := range values {
		byID[v.ID] = v
	}
	out := make([]Category, 0, len(ins))
	for i, in := range ins {
		c, err := buildCategory(in, byID)
		if err != nil {
			if e, ok := apperr.As(err); ok {
				e.Field = fmt.Sprintf("categories[%d].%s", i, e.Field)
			}
			return nil, err
		}
		c.Position = i
		out = append(out, c)
	}
	return out, nil
}

func buildCategory(in NewCategory, values map[int64]Value) (Category, error) {
	c := Category{Scale: in.Scale, Weight: 1, Critical: in.Critical}
	if in.ValueID != 0 {
		v, ok := values[in.ValueID]
		if !ok {
			return c, apperr.Unprocessable("value_id", "no value has id %d", in.ValueID)
		}
		id := v.ID
		c.ValueID, c.Name = &id, v.Name
	}
	if in.Name != "" {
		c.Name = in.Name
	}
	var err error
	if c.Name, err = apperr.CheckText("name", c.Name, MaxValueName, true); err != nil {
		return c, err
	}
	if in.Weight != nil {
		if *in.Weight <= 0 || *in.Weight > MaxWeight {
			return c, apperr.Invalid("weight", "must be more than 0 and at most %d", MaxWeight)
		}
		c.Weight = *in.Weight
	}
	switch c.Scale {
	case "", ScaleRange:
		c.Scale, c.Min, c.Max = ScaleRange, 1, 5
		if in.Min != nil {
			c.Min = *in.Min
		}
		if in.Max != nil {
			c.Max = *in.Max
		}
		if c.Min < 0 || c.Max > MaxScale || c.Min >= c.Max {
			return c, apperr.Invalid("max", "the scale must run from min to a larger max, within 0-%d", MaxScale)
		}
	case ScalePassFail:
		if in.Min != nil || in.Max != nil {
			return c, apperr.Invalid("scale", "pass_fail has no min or max: it is rated 1 (pass) or 0 (fail)")
		}
		c.Min, c.Max = 0, 1
	default:
		return c, apperr.Invalid("scale", "must be range or pass_fail, not %q", c.Scale)
	}
	return c, nil
}

func insertScorecard(ctx context.Context, tx *sql.Tx, sc *Scorecard) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO scorecards (name, created_by, created_at) VALUES ($1, $2, $3)
		RETURNING id`, sc.Name, sc.CreatedBy, db.Time(sc.CreatedAt)).Scan(&sc.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a scorecard named %q already exists", sc.Name)
	}
	if err != nil {
		return fmt.Errorf("quality: insert scorecard: %w", err)
	}
	for i := range sc.Categories {
		c := &sc.Categories[i]
		err := tx.QueryRowContext(ctx, `INSERT INTO scorecard_categories (scorecard_id, value_id, name, scale,
			scale_min, scale_max, weight, critical, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING id`, sc.ID, c.ValueID, c.Name, string(c.Scale), c.Min, c.Max, c.Weight, c.Critical,
			c.Position).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("quality: insert category: %w", err)
		}
	}
	return nil
}

// Scorecards lists the scorecards, newest first, with their categories.
func (s *Service) Scorecards(ctx context.Context) ([]*Scorecard, error) {
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT id, name, created_by, created_at FROM scorecards ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("quality: list scorecards: %w", err)
	}
	var out []*Scorecard
	for rows.Next() {
		var sc Scorecard
		if err := rows.Scan(&sc.ID, &sc.Name, &sc.CreatedBy, db.ScanTime(&sc.CreatedAt)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("quality: scan scorecard: %w", err)
		}
		out = append(out, &sc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, sc := range out {
		if sc.Categories, err = listCategories(ctx, q, sc.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Scorecard returns one scorecard.
func (s *Service) Scorecard(ctx context.Context, id int64) (*Scorecard, error) {
	return getScorecard(ctx, s.db.Reader(ctx), id)
}

func getScorecard(ctx context.Context, q db.Queryer, id int64) (*Scorecard, error) {
	var sc Scorecard
	err := q.QueryRowContext(ctx, `SELECT id, name, created_by, created_at FROM scorecards WHERE id = $1`, id).
		Scan(&sc.ID, &sc.Name, &sc.CreatedBy, db.ScanTime(&sc.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("scorecard")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get scorecard %d: %w", id, err)
	}
	if sc.Categories, err = listCategories(ctx, q, id); err != nil {
		return nil, err
	}
	return &sc, nil
}

func listCategories(ctx context.Context, q db.Queryer, scorecardID int64) ([]Category, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, value_id, name, scale, scale_min, scale_max, weight, critical,
		position FROM scorecard_categories WHERE scorecard_id = $1 ORDER BY position, id`, scorecardID)
	if err != nil {
		return nil, fmt.Errorf("quality: categories of %d: %w", scorecardID, err)
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		var scale string
		if err := rows.Scan(&c.ID, &c.ValueID, &c.Name, &scale, &c.Min, &c.Max, &c.Weight, &c.Critical,
			&c.Position); err != nil {
			return nil, fmt.Errorf("quality: scan category: %w", err)
		}
		c.Scale = Scale(scale)
		out = append(out, c)
	}
	return out, rows.Err()
}
