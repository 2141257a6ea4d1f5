package standing

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Visibility says who sees whose standing and page.
type Visibility string

// The visibilities: leads see everyone's either way, and an agent their own.
const (
	VisibleToLeads    Visibility = "leads"
	VisibleToEveryone Visibility = "everyone"
)

// Weights are the components' weights in the balanced score; a lead sets
// them to sum to 100 (see doc.go).
type Weights struct {
	Quality  float64 `json:"quality"`
	Customer float64 `json:"customer"` // customer feedback: CSAT and CES
	Badges   float64 `json:"badges"`
	Outcomes float64 `json:"outcomes"`
}

// WeightsPatch changes some weights: nil ones are left alone.
type WeightsPatch struct {
	Quality  *float64 `json:"quality"`
	Customer *float64 `json:"customer"`
	Badges   *float64 `json:"badges"`
	Outcomes *float64 `json:"outcomes"`
}

func (w Weights) sum() float64 { return w.Quality + w.Customer + w.Badges + w.Outcomes }

// Config is how standing is worked out and shown, kept in the settings
// table under the keys below.
type Config struct {
	Cutoffs
	VisibleTo   Visibility `json:"visible_to"`
	Weights     Weights    `json:"weights"`
	BadgeTarget int        `json:"badge_target"` // badges in a period that make the badges component 100
	// MinReviews is how many submitted reviews in a period an agent needs
	// before they are given a score: below it a score says more about
	// chance (or badges alone) than about their work.
	MinReviews int `json:"min_reviews"`
	// MinAnswers is how many answered surveys in a period an agent needs
	// before customer feedback counts in their score; below it its weight
	// goes to the other components in proportion (see doc.go).
	MinAnswers int `json:"min_answers"`
}

// The settings keys; SettingVisibleTo is the visibility setting.
const (
	SettingVisibleTo  = "standing_visible_to"
	keyGreenFrom      = "standing_green_from"
	keyOrangeFrom     = "standing_orange_from"
	keyWeightQuality  = "standing_weight_quality"
	keyWeightBadges   = "standing_weight_badges"
	keyWeightOutcomes = "standing_weight_outcomes"
	keyWeightCustomer = "standing_weight_customer"
	keyMinAnswers     = "standing_min_answers"
	keyBadgeTarget    = "standing_badge_target"
	keyMinReviews     = "standing_min_reviews"
)

// DefaultConfig is the configuration of a team that changed nothing.
func DefaultConfig() Config {
	return Config{Cutoffs: Cutoffs{GreenFrom: 80, OrangeFrom: 60}, VisibleTo: VisibleToLeads,
		Weights: Weights{Quality: 50, Customer: 30, Badges: 20}, BadgeTarget: 3, MinReviews: 3, MinAnswers: 5}
}

// ConfigPatch changes the configuration: nil fields are left alone.
type ConfigPatch struct {
	GreenFrom   *float64      `json:"green_from"`
	OrangeFrom  *float64      `json:"orange_from"`
	VisibleTo   *Visibility   `json:"visible_to"`
	Weights     *WeightsPatch `json:"weights"`
	BadgeTarget *int          `json:"badge_target"`
	MinReviews  *int          `json:"min_reviews"`
	MinAnswers  *int          `json:"min_answers"`
}

func (c Config) values() map[string]string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return map[string]string{
		keyGreenFrom: f(c.GreenFrom), keyOrangeFrom: f(c.OrangeFrom), SettingVisibleTo: string(c.VisibleTo),
		keyWeightQuality: f(c.Weights.Quality), keyWeightBadges: f(c.Weights.Badges),
		keyWeightOutcomes: f(c.Weights.Outcomes), keyBadgeTarget: strconv.Itoa(c.BadgeTarget),
		keyMinReviews: strconv.Itoa(c.MinReviews), keyWeightCustomer: f(c.Weights.Customer),
		keyMinAnswers: strconv.Itoa(c.MinAnswers),
	}
}

// apply reads stored settings over c; a value that does not parse keeps
// the default.
func (c *Config) apply(stored map[string]string) {
	num := func(key string, dst *float64) {
		if f, err := strconv.ParseFloat(stored[key], 64); err == nil {
			*dst = f
		}
	}
	num(keyGreenFrom, &c.GreenFrom)
	num(keyOrangeFrom, &c.OrangeFrom)
	num(keyWeightQuality, &c.Weights.Quality)
	num(keyWeightBadges, &c.Weights.Badges)
	num(keyWeightOutcomes, &c.Weights.Outcomes)
	num(keyWeightCustomer, &c.Weights.Customer)
	_, legacy := stored[keyWeightQuality]
	if _, set := stored[keyWeightCustomer]; legacy && !set {
		// Weights saved before customer feedback joined the score: the
		// team's score stays what it was until a lead gives the customer
		// a weight (the old defaults had outcomes 20).
		c.Weights.Customer = 0
		if _, ok := stored[keyWeightOutcomes]; !ok {
			c.Weights.Outcomes = 20
		}
	}
	if v := Visibility(stored[SettingVisibleTo]); v == VisibleToLeads || v == VisibleToEveryone {
		c.VisibleTo = v
	}
	if n, err := strconv.Atoi(stored[keyBadgeTarget]); err == nil {
		c.BadgeTarget = n
	}
	if n, err := strconv.Atoi(stored[keyMinReviews]); err == nil {
		c.MinReviews = n
	}
	if n, err := strconv.Atoi(stored[keyMinAnswers]); err == nil {
		c.MinAnswers = n
	}
}

// check reports the first field of c that is out of bounds.
func (c Config) check() error {
	in100 := func(f float64) bool { return f >= 0 && f <= 100 }
	switch {
	case !in100(c.GreenFrom):
		return apperr.Invalid("green_from", "must be between 0 and 100")
	case !in100(c.OrangeFrom) || c.OrangeFrom > c.GreenFrom:
		return apperr.Invalid("orange_from", "must be between 0 and green_from (%g)", c.GreenFrom)
	case c.VisibleTo != VisibleToLeads && c.VisibleTo != VisibleToEveryone:
		return apperr.Invalid("visible_to", "must be leads or everyone")
	case c.BadgeTarget < 1 || c.BadgeTarget > 100:
		return apperr.Invalid("badge_target", "must be between 1 and 100")
	case c.MinReviews < 0 || c.MinReviews > 100:
		return apperr.Invalid("min_reviews", "must be between 0 and 100")
	case c.MinAnswers < 0 || c.MinAnswers > 1000:
		return apperr.Invalid("min_answers", "must be between 0 and 1000")
	}
	return c.Weights.check()
}

// check reports the first weight out of bounds, naming it, then whether
// they sum to 100 (to a hundredth: the form sends decimals).
func (w Weights) check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"quality", w.Quality}, {"customer", w.Customer}, {"badges", w.Badges}, {"outcomes", w.Outcomes}} {
		if f.v < 0 || f.v > 100 || math.IsNaN(f.v) {
			return apperr.Invalid("weights."+f.name, "must be between 0 and 100")
		}
	}
	if math.Abs(w.sum()-100) > 0.005 {
		return apperr.Invalid("weights", "must sum to 100 (they sum to %g)", round2(w.sum()))
	}
	return nil
}

func loadConfig(ctx context.Context, q db.Queryer) (Config, error) {
	c := DefaultConfig()
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'standing_%'`)
	if err != nil {
		return c, fmt.Errorf("standing: read settings: %w", err)
	}
	defer rows.Close()
	stored := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return c, fmt.Errorf("standing: scan setting: %w", err)
		}
		stored[k] = v
	}
	c.apply(stored)
	return c, rows.Err()
}

// Config returns the configuration; anyone signed in may read it (the
// cut-offs are no secret: they are what an agent aims at).
func (s *Service) Config(ctx context.Context) (Config, error) {
	return loadConfig(ctx, s.db.Reader(ctx))
}

// UpdateConfig changes the configuration; leads only.
func (s *Service) UpdateConfig(ctx context.Context, who *user.User, p ConfigPatch) (Config, error) {
	if err := requireLead(who); err != nil {
		return Config{}, err
	}
	var c Config
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = loadConfig(ctx, tx); err != nil {
			return err
		}
		c = p.applyTo(c)
		if err := c.check(); err != nil {
			return err
		}
		now := s.now()
		for k, v := range c.values() {
			if err := settings.PutTx(ctx, tx, k, v, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "settings.updated", "settings", "standing", map[string]any{"standing": c})
	})
	return c, err
}

func (p ConfigPatch) applyTo(c Config) Config {
	if p.GreenFrom != nil {
		c.GreenFrom = *p.GreenFrom
	}
	if p.OrangeFrom != nil {
		c.OrangeFrom = *p.OrangeFrom
	}
	if p.VisibleTo != nil {
		c.VisibleTo = *p.VisibleTo
	}
	if w := p.Weights; w != nil {
		set := func(dst *float64, v *float64) {
			if v != nil {
				*dst = *v
			}
		}
		set(&c.Weights.Quality, w.Quality)
		set(&c.Weights.Customer, w.Customer)
		set(&c.Weights.Badges, w.Badges)
		set(&c.Weights.Outcomes, w.Outcomes)
	}
	if p.MinAnswers != nil {
		c.MinAnswers = *p.MinAnswers
	}
	if p.BadgeTarget != nil {
		c.BadgeTarget = *p.BadgeTarget
	}
	if p.MinReviews != nil {
		c.MinReviews = *p.MinReviews
	}
	return c
}
