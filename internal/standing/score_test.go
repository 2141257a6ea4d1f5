package standing

import (
	"strings"
	"testing"
)

func TestTierCutoffBoundaries(t *testing.T) {
	c := Cutoffs{GreenFrom: 80, OrangeFrom: 60}
	for _, tc := range []struct {
		score float64
		want  Tier
	}{
		{100, Green}, {80, Green}, {79.99, Orange}, {60, Orange}, {59.99, Red}, {0, Red},
	} {
		if got := c.TierOf(tc.score); got != tc.want {
			t.Errorf("score %v: tier %q, want %q", tc.score, got, tc.want)
		}
	}
	// Cut-offs at the ends: everyone green, or no orange band at all.
	if got := (Cutoffs{GreenFrom: 0, OrangeFrom: 0}).TierOf(0); got != Green {
		t.Errorf("green from 0: %q", got)
	}
	if got := (Cutoffs{GreenFrom: 70, OrangeFrom: 70}).TierOf(69.99); got != Red {
		t.Errorf("no orange band: %q", got)
	}
}

// A score exactly on a cut-off on paper is on it after the arithmetic: the
// balance is rounded to two decimals before it is placed.
func TestScoreOnCutoffAfterRounding(t *testing.T) {
	// (60 + 100 + 80) / 3 is exactly 80 on paper; weights of 0.1 make the
	// floating-point sum miss it by a hair.
	parts := []Part{{Name: "a", Value: 60, Weight: 0.1}, {Name: "b", Value: 100, Weight: 0.1}, {Name: "c", Value: 80, Weight: 0.1}}
	score, ok := Balance(parts)
	if !ok || score != 80 {
		t.Fatalf("balance %v %v, want 80", score, ok)
	}
	if tier := (Cutoffs{GreenFrom: 80, OrangeFrom: 60}).TierOf(score); tier != Green {
		t.Fatalf("80 on the cut-off is %q", tier)
	}
}

// TestWorkedExample checks the figures of doc.go.
func TestWorkedExample(t *testing.T) {
	c := DefaultConfig()
	c.Weights = Weights{Quality: 60, Badges: 20, Outcomes: 20}
	parts := []Part{
		{Name: "quality", Label: "Review quality", Value: 75, Weight: c.Weights.Quality},
		{Name: "badges", Label: "Value badges", Value: badgeMeasure(2, c.BadgeTarget).Value, Weight: c.Weights.Badges},
		{Name: "outcomes", Label: "Tickets not reopened", Value: outcomeMeasure(10, 1).Value, Weight: c.Weights.Outcomes},
	}
	score, ok := Balance(parts)
	if !ok || score != 76.33 {
		t.Fatalf("score %v, want 76.33", score)
	}
	tier := c.TierOf(score)
	if tier != Orange {
		t.Fatalf("tier %q, want orange", tier)
	}
	m := MoveFor(parts, score, tier, c.Cutoffs)
	if m.NextTier != Green || m.Points != 3.67 || m.Weakest != "badges" || m.Raise != 18.35 || !m.Enough {
		t.Fatalf("move %+v", m)
	}
	parts[1].Value = badgeMeasure(3, c.BadgeTarget).Value
	if score, _ := Balance(parts); score != 83 || c.TierOf(score) != Green {
		t.Fatalf("with a third badge: %v", score)
	}
	// A period with no badges at all: the component does not apply.
	if score, _ := Balance([]Part{parts[0], parts[2]}); score != 78.75 {
		t.Fatalf("without badges: %v, want 78.75", score)
	}
	// Green: no next tier, still the weakest component.
	if m := MoveFor(parts, 83, Green, c.Cutoffs); m.NextTier != None || m.Weakest != "quality" {
		t.Fatalf("green move %+v", m)
	}
}

func TestNoScoreWithoutWeights(t *testing.T) {
	if _, ok := Balance([]Part{{Name: "badges", Value: 100, Weight: 0}}); ok {
		t.Fatal("a score from weightless parts")
	}
	if _, ok := Balance(nil); ok {
		t.Fatal("a score from nothing")
	}
}

func TestConfigChecks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		patch func(*Config)
		field string
	}{
		{"green above 100", func(c *Config) { c.GreenFrom = 101 }, "green_from"},
		{"orange above green", func(c *Config) { c.OrangeFrom = 90 }, "orange_from"},
		{"negative orange", func(c *Config) { c.OrangeFrom = -1 }, "orange_from"},
		{"visibility", func(c *Config) { c.VisibleTo = "agents" }, "visible_to"},
		{"no weight", func(c *Config) { c.Weights = Weights{} }, "weights"},
		{"badge target", func(c *Config) { c.BadgeTarget = 0 }, "badge_target"},
	} {
		c := DefaultConfig()
		tc.patch(&c)
		err := c.check()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.field)
		}
	}
	if err := DefaultConfig().check(); err != nil {
		t.Fatal(err)
	}
}
