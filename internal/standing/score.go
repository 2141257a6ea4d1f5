package standing

import "math"

// Tier is a band of the balanced score.
type Tier string

// The tiers; None is an agent with no score.
const (
	Green  Tier = "green"
	Orange Tier = "orange"
	Red    Tier = "red"
	None   Tier = ""
)

// Cutoffs are the lowest scores of the green and orange tiers.
type Cutoffs struct {
	GreenFrom  float64 `json:"green_from"`
	OrangeFrom float64 `json:"orange_from"`
}

// TierOf places a score: at or above a cut-off is in its tier.
func (c Cutoffs) TierOf(score float64) Tier {
	switch {
	case score >= c.GreenFrom:
		return Green
	case score >= c.OrangeFrom:
		return Orange
	}
	return Red
}

// next returns the tier above t and its cut-off; ok is false for green.
func (c Cutoffs) next(t Tier) (Tier, float64, bool) {
	switch t {
	case Red:
		return Orange, c.OrangeFrom, true
	case Orange:
		return Green, c.GreenFrom, true
	}
	return None, 0, false
}

// Part is one component's measure of an agent, with its weight.
type Part struct {
	Name   string  `json:"name"`
	Label  string  `json:"label"`
	Value  float64 `json:"value"` // 0-100
	Weight float64 `json:"weight"`
	Detail string  `json:"detail"` // how the value came about, in words
}

// Balance is the weighted mean of the parts with a weight, rounded to two
// decimals; ok is false when no part has one.
func Balance(parts []Part) (float64, bool) {
	var sum, weights float64
	for _, p := range parts {
		if p.Weight <= 0 {
			continue
		}
		sum += p.Weight * p.Value
		weights += p.Weight
	}
	if weights == 0 {
		return 0, false
	}
	return round2(sum / weights), true
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Move is what would lift an agent to the next tier.
type Move struct {
	NextTier     Tier    `json:"next_tier,omitempty"` // empty when green
	Points       float64 `json:"points"`              // score points to the next tier
	Weakest      string  `json:"weakest"`             // the weakest component's name
	WeakestLabel string  `json:"weakest_label"`
	WeakestValue float64 `json:"weakest_value"`
	// Raise is how far the weakest component alone would have to rise to
	// close the gap; Enough whether that fits under 100.
	Raise  float64 `json:"raise"`
	Enough bool    `json:"enough"`
}

// MoveFor says what would move score, in tier t, up a tier.
func MoveFor(parts []Part, score float64, t Tier, c Cutoffs) *Move {
	if t == None {
		return nil
	}
	m := &Move{}
	var weak *Part
	var weights float64
	for i := range parts {
		if parts[i].Weight <= 0 {
			continue
		}
		weights += parts[i].Weight
		if weak == nil || parts[i].Value < weak.Value {
			weak = &parts[i]
		}
	}
	if weak != nil {
		m.Weakest, m.WeakestLabel, m.WeakestValue = weak.Name, weak.Label, weak.Value
	}
	nt, from, ok := c.next(t)
	if !ok {
		return m
	}
	m.NextTier = nt
	m.Points = round2(from - score)
	if weak != nil {
		m.Raise = round2(m.Points * weights / weak.Weight)
		m.Enough = weak.Value+m.Raise <= 100
	}
	return m
}
