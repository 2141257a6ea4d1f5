package quality

import (
	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Scale is how a scorecard category is rated.
type Scale string

// The scales: a range of whole numbers (1-5, 0-10...) or pass/fail, which
// is rated 1 (pass) or 0 (fail).
const (
	ScaleRange    Scale = "range"
	ScalePassFail Scale = "pass_fail"
)

// Category is one line of a scorecard: usually one value of the philosophy.
type Category struct {
	ID       int64   `json:"id"`
	ValueID  *int64  `json:"value_id"`
	Name     string  `json:"name"`
	Scale    Scale   `json:"scale"`
	Min      int     `json:"min"`
	Max      int     `json:"max"`
	Weight   float64 `json:"weight"`
	Critical bool    `json:"critical"`
	Position int     `json:"position"`
}

// Rating is a reviewer's mark for one category: a rating within the
// category's scale, or not applicable.
type Rating struct {
	CategoryID    int64   `json:"category_id"`
	Rating        *int    `json:"rating"`
	NotApplicable bool    `json:"not_applicable"`
	Comment       string  `json:"comment"`
	MessageIDs    []int64 `json:"message_ids"`
}

// CriticalThreshold is the normalised rating under which a critical
// category fails the whole review: below half of its scale.
const CriticalThreshold = 50

// Normalize maps a rating onto 0-100: (rating-min)/(max-min)*100. For
// pass/fail (min 0, max 1) that is 100 for a pass and 0 for a fail.
func Normalize(c Category, rating int) float64 {
	if c.Max == c.Min {
		return 100
	}
	return float64(rating-c.Min) / float64(c.Max-c.Min) * 100
}

// checkRating checks that r is a complete mark for c.
func checkRating(c Category, r Rating) error {
	if r.NotApplicable {
		if r.Rating != nil {
			return apperr.Invalid("ratings", "%s: give a rating or not_applicable, not both", c.Name)
		}
		return nil
	}
	if r.Rating == nil {
		return apperr.Invalid("ratings", "%s: rating is required (or mark it not_applicable)", c.Name)
	}
	if *r.Rating < c.Min || *r.Rating > c.Max {
		return apperr.Invalid("ratings", "%s: rating must be between %d and %d", c.Name, c.Min, c.Max)
	}
	return nil
}

// Score computes a review's score from its ratings (see doc.go): the
// weighted mean of the normalised ratings of the categories that apply,
// or 0 when a critical category is rated below CriticalThreshold. ok is
// false when no category applies, so there is nothing to score.
func Score(cats []Category, ratings map[int64]Rating) (score float64, ok bool) {
	var sum, weights float64
	failed := false
	for _, c := range cats {
		r, rated := ratings[c.ID]
		if !rated || r.NotApplicable || r.Rating == nil {
			continue
		}
		n := Normalize(c, *r.Rating)
		if c.Critical && n < CriticalThreshold {
			failed = true
		}
		sum += n * c.Weight
		weights += c.Weight
	}
	if weights == 0 {
		return 0, false
	}
	if failed {
		return 0, true
	}
	return sum / weights, true
}

// Scored is what a period's score needs to know of one review.
type Scored struct {
	Score       *float64
	Calibration bool
	Status      ReviewStatus
}

// PeriodScore is the mean score of a period's submitted reviews, leaving
// out calibration reviews (they measure reviewers, not the agent), voided
// ones and those with nothing to score. ok is false when none is left.
func PeriodScore(reviews []Scored) (score float64, n int, ok bool) {
	var sum float64
	for _, r := range reviews {
		if r.Calibration || r.Status != StatusSubmitted || r.Score == nil {
			continue
		}
		sum += *r.Score
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	return sum / float64(n), n, true
}
