package standing

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
)

// Measure is a component's value for one agent, 0-100, with how it came
// about in words.
type Measure struct {
	Value  float64
	Detail string
	Count  int // how many things were measured (reviews, badges, tickets)
}

// Component is one part of the balanced score. Measure returns a value for
// each agent it applies to in the period; an agent it has nothing on is
// left out of the map (see doc.go). Customer satisfaction joins as one more
// Component once the desk records it.
type Component interface {
	Name() string
	Label() string
	Weight(Config) float64
	Measure(ctx context.Context, q db.Queryer, p *quality.Period, c Config) (map[int64]Measure, error)
}

// qualityComponent is the agent's quality score for the period, as package
// quality works it out (calibration and voided reviews left out).
type qualityComponent struct{}

func (qualityComponent) Name() string            { return "quality" }
func (qualityComponent) Label() string           { return "Review quality" }
func (qualityComponent) Weight(c Config) float64 { return c.Weights.Quality }

func (qualityComponent) Measure(ctx context.Context, q db.Queryer, p *quality.Period, _ Config) (map[int64]Measure, error) {
	rows, err := q.QueryContext(ctx, `SELECT agent_id, score, status, calibration_id IS NOT NULL
		FROM reviews WHERE period_id = $1`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("standing: period reviews: %w", err)
	}
	defer rows.Close()
	byAgent := map[int64][]quality.Scored{}
	for rows.Next() {
		var (
			agent  int64
			sc     quality.Scored
			status string
		)
		if err := rows.Scan(&agent, &sc.Score, &status, &sc.Calibration); err != nil {
			return nil, fmt.Errorf("standing: scan review: %w", err)
		}
		sc.Status = quality.ReviewStatus(status)
		byAgent[agent] = append(byAgent[agent], sc)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[int64]Measure{}
	for agent, reviews := range byAgent {
		if score, n, ok := quality.PeriodScore(reviews); ok {
			out[agent] = Measure{Value: score, Detail: fmt.Sprintf("mean of %d %s", n, plural(n, "review")), Count: n}
		}
	}
	return out, nil
}

// badgeComponent counts the value badges awarded to the agent in the
// period against the target. It applies to every agent with any data once
// anyone was awarded a badge in the period; see applyBadges.
type badgeComponent struct{}

func (badgeComponent) Name() string            { return "badges" }
func (badgeComponent) Label() string           { return "Value badges" }
func (badgeComponent) Weight(c Config) float64 { return c.Weights.Badges }

func (badgeComponent) Measure(ctx context.Context, q db.Queryer, p *quality.Period, c Config) (map[int64]Measure, error) {
	rows, err := q.QueryContext(ctx, `SELECT agent_id, COUNT(*) FROM badge_awards
		WHERE created_at >= $1 AND created_at < $2 GROUP BY agent_id`, db.Time(p.StartsAt), db.Time(p.EndsAt))
	if err != nil {
		return nil, fmt.Errorf("standing: count badges: %w", err)
	}
	defer rows.Close()
	out := map[int64]Measure{}
	for rows.Next() {
		var agent int64
		var n int
		if err := rows.Scan(&agent, &n); err != nil {
			return nil, fmt.Errorf("standing: scan badge count: %w", err)
		}
		out[agent] = badgeMeasure(n, c.BadgeTarget)
	}
	return out, rows.Err()
}

func badgeMeasure(n, target int) Measure {
	return Measure{Value: float64(min(n, target)) / float64(target) * 100,
		Detail: fmt.Sprintf("%d %s of a target of %d", n, plural(n, "badge"), target)}
}

// outcomeComponent is the share of the tickets an agent solved in the
// period (their last solve falls in it) that were never reopened.
type outcomeComponent struct{}

func (outcomeComponent) Name() string            { return "outcomes" }
func (outcomeComponent) Label() string           { return "Tickets not reopened" }
func (outcomeComponent) Weight(c Config) float64 { return c.Weights.Outcomes }

func (outcomeComponent) Measure(ctx context.Context, q db.Queryer, p *quality.Period, _ Config) (map[int64]Measure, error) {
	const solved = `SELECT id FROM tickets WHERE solved_at >= $1 AND solved_at < $2 AND assignee_id IS NOT NULL`
	from, to := db.Time(p.StartsAt), db.Time(p.EndsAt)
	reopened, err := reopenedTickets(ctx, q, solved, from, to)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, assignee_id FROM tickets
		WHERE solved_at >= $1 AND solved_at < $2 AND assignee_id IS NOT NULL`, from, to)
	if err != nil {
		return nil, fmt.Errorf("standing: solved tickets: %w", err)
	}
	defer rows.Close()
	type tally struct{ solved, reopened int }
	byAgent := map[int64]*tally{}
	for rows.Next() {
		var id, agent int64
		if err := rows.Scan(&id, &agent); err != nil {
			return nil, fmt.Errorf("standing: scan solved ticket: %w", err)
		}
		if byAgent[agent] == nil {
			byAgent[agent] = &tally{}
		}
		byAgent[agent].solved++
		if reopened[id] {
			byAgent[agent].reopened++
		}
	}
	out := map[int64]Measure{}
	for agent, t := range byAgent {
		out[agent] = outcomeMeasure(t.solved, t.reopened)
	}
	return out, rows.Err()
}

func outcomeMeasure(solved, reopened int) Measure {
	return Measure{Value: (1 - float64(reopened)/float64(solved)) * 100,
		Detail: fmt.Sprintf("%d of %d solved %s reopened", reopened, solved, plural(solved, "ticket"))}
}

// doneStatuses are the statuses a ticket is done in; leaving one for
// another is a reopening (as in package quality's signals).
var doneStatuses = map[string]bool{"solved": true, "closed": true}

// reopenedTickets returns which of the tickets the solved query selects
// went from done back to work at least once.
func reopenedTickets(ctx context.Context, q db.Queryer, solved string, args ...any) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT ticket_id, data FROM events
		WHERE type = 'ticket.status_changed' AND ticket_id IN (`+solved+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("standing: status changes: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("standing: scan status change: %w", err)
		}
		var c struct{ Before, After string }
		if json.Unmarshal([]byte(data), &c) == nil && doneStatuses[c.Before] && !doneStatuses[c.After] {
			out[id] = true
		}
	}
	return out, rows.Err()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
