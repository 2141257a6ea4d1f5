package quality

import "math"

// normalised returns each category's ratings by reviewer, normalised to
// 0-100, leaving out not applicable.
func normalised(cats []Category, byReviewer map[int64]map[int64]Rating) map[int64]map[int64]float64 {
	out := map[int64]map[int64]float64{}
	for _, c := range cats {
		out[c.ID] = map[int64]float64{}
		for reviewer, ratings := range byReviewer {
			if r, ok := ratings[c.ID]; ok && !r.NotApplicable && r.Rating != nil {
				out[c.ID][reviewer] = Normalize(c, *r.Rating)
			}
		}
	}
	return out
}

func mean(m map[int64]float64) float64 {
	var sum float64
	for _, v := range m {
		sum += v
	}
	return sum / float64(len(m))
}

// Agreement measures how closely each reviewer of a calibration session
// scored with the others: for every category that two or more reviewers
// rated, the distance of the reviewer's normalised rating from the
// session's mean; a reviewer's agreement is 100 minus their mean distance
// (100: always on the mean). Reviewers with no such category are left out.
func Agreement(cats []Category, byReviewer map[int64]map[int64]Rating) map[int64]float64 {
	sums, counts := map[int64]float64{}, map[int64]int{}
	for _, ratings := range normalised(cats, byReviewer) {
		if len(ratings) < 2 {
			continue
		}
		m := mean(ratings)
		for reviewer, v := range ratings {
			sums[reviewer] += math.Abs(v - m)
			counts[reviewer]++
		}
	}
	out := map[int64]float64{}
	for reviewer, n := range counts {
		out[reviewer] = math.Max(0, 100-sums[reviewer]/float64(n))
	}
	return out
}

// differences shows, per category, how the reviewers rated it.
func differences(cats []Category, byReviewer map[int64]map[int64]Rating) []CategoryDifference {
	norm := normalised(cats, byReviewer)
	out := make([]CategoryDifference, 0, len(cats))
	for _, c := range cats {
		d := CategoryDifference{CategoryID: c.ID, Name: c.Name, Ratings: norm[c.ID]}
		if len(d.Ratings) > 0 {
			m := mean(d.Ratings)
			d.Mean = &m
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range d.Ratings {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			d.Spread = hi - lo
		}
		out = append(out, d)
	}
	return out
}
