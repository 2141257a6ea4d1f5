package standing

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
)

// customerComponent is what customers said of the tickets an agent helped
// solve in the period: the answered surveys (package feedback) attributed
// to the agent when the ticket was solved, whose solve falls in the period.
// CSAT (1-5) and CES (1-7) are each mapped onto 0-100 and the two means
// are averaged (see doc.go). The tables are read here, read-only; package
// feedback writes them.
type customerComponent struct{}

func (customerComponent) Name() string            { return "customer" }
func (customerComponent) Label() string           { return "Customer feedback" }
func (customerComponent) Weight(c Config) float64 { return c.Weights.Customer }

func (customerComponent) Measure(ctx context.Context, q db.Queryer, p *quality.Period, _ Config) (map[int64]Measure, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.user_id, s.csat, s.ces
		FROM feedback_survey_agents a JOIN feedback_surveys s ON s.id = a.survey_id
		WHERE s.status = 'answered' AND (s.csat IS NOT NULL OR s.ces IS NOT NULL)
			AND s.solved_at >= $1 AND s.solved_at < $2`, db.Time(p.StartsAt), db.Time(p.EndsAt))
	if err != nil {
		return nil, fmt.Errorf("standing: customer answers: %w", err)
	}
	defer rows.Close()
	byAgent := map[int64]*CustomerTally{}
	for rows.Next() {
		var agent int64
		var csat, ces *int
		if err := rows.Scan(&agent, &csat, &ces); err != nil {
			return nil, fmt.Errorf("standing: scan customer answer: %w", err)
		}
		if byAgent[agent] == nil {
			byAgent[agent] = &CustomerTally{}
		}
		byAgent[agent].Add(csat, ces)
	}
	out := map[int64]Measure{}
	for agent, t := range byAgent {
		out[agent] = t.Measure()
	}
	return out, rows.Err()
}

// CustomerTally adds up answers for the customer component.
type CustomerTally struct {
	Answers         int
	csatN, cesN     int
	csatSum, cesSum float64
}

// Add counts one answer; a score the customer left out is nil.
func (t *CustomerTally) Add(csat, ces *int) {
	if csat == nil && ces == nil {
		return
	}
	t.Answers++
	if csat != nil {
		t.csatN++
		t.csatSum += CSATPoints(*csat)
	}
	if ces != nil {
		t.cesN++
		t.cesSum += CESPoints(*ces)
	}
}

// CSATPoints maps a CSAT of 1-5 onto 0-100: 1 is 0, 3 is 50, 5 is 100.
func CSATPoints(csat int) float64 { return float64(csat-1) / 4 * 100 }

// CESPoints maps a CES of 1-7 onto 0-100: 1 is 0, 4 is 50, 7 is 100.
func CESPoints(ces int) float64 { return float64(ces-1) / 6 * 100 }

// Measure is the component's value: the mean of the CSAT points and the
// mean of the CES points, averaged; either alone when the other was never
// given.
func (t *CustomerTally) Measure() Measure {
	var means []float64
	if t.csatN > 0 {
		means = append(means, t.csatSum/float64(t.csatN))
	}
	if t.cesN > 0 {
		means = append(means, t.cesSum/float64(t.cesN))
	}
	var v float64
	for _, m := range means {
		v += m / float64(len(means))
	}
	return Measure{Value: v, Count: t.Answers,
		Detail: fmt.Sprintf("%d customer %s (%d CSAT, %d CES)", t.Answers, plural(t.Answers, "answer"), t.csatN, t.cesN)}
}
