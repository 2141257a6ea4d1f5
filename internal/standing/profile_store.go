package standing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// mayReadReviews mirrors package quality's rule for reading an agent's
// submitted reviews: the agent, leads, or anyone when reviews are open.
func mayReadReviews(ctx context.Context, q db.Queryer, who *user.User, agentID int64) (bool, error) {
	if who.ID == agentID || who.IsLead() {
		return true, nil
	}
	var v string
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(value), '') FROM settings WHERE key = $1`,
		quality.SettingReviewsVisibleToAgents).Scan(&v)
	if err != nil {
		return false, fmt.Errorf("standing: read review visibility: %w", err)
	}
	on, _ := strconv.ParseBool(v)
	return on, nil
}

// TrendPoint is an agent's quality score in one period.
type TrendPoint struct {
	PeriodID int64     `json:"period_id"`
	StartsAt time.Time `json:"starts_at"`
	Score    *float64  `json:"score"`
	Reviews  int       `json:"reviews"`
}

// TrendPeriods is how many periods the trend shows.
const TrendPeriods = 8

// trend returns the agent's quality score in each of the latest periods
// that have started, oldest first.
func trend(ctx context.Context, q db.Queryer, agentID int64) ([]TrendPoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, starts_at FROM review_periods WHERE starts_at <= $1
		ORDER BY starts_at DESC, id DESC LIMIT $2`, db.Time(db.Now()), TrendPeriods)
	if err != nil {
		return nil, fmt.Errorf("standing: trend periods: %w", err)
	}
	var out []TrendPoint
	for rows.Next() {
		var tp TrendPoint
		if err := rows.Scan(&tp.PeriodID, db.ScanTime(&tp.StartsAt)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("standing: scan period: %w", err)
		}
		out = append(out, tp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Reverse(out)
	for i := range out {
		if err := periodScore(ctx, q, agentID, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func periodScore(ctx context.Context, q db.Queryer, agentID int64, tp *TrendPoint) error {
	rows, err := q.QueryContext(ctx, `SELECT score, status, calibration_id IS NOT NULL FROM reviews
		WHERE period_id = $1 AND agent_id = $2`, tp.PeriodID, agentID)
	if err != nil {
		return fmt.Errorf("standing: period reviews: %w", err)
	}
	defer rows.Close()
	var scored []quality.Scored
	for rows.Next() {
		var sc quality.Scored
		var status string
		if err := rows.Scan(&sc.Score, &status, &sc.Calibration); err != nil {
			return fmt.Errorf("standing: scan review: %w", err)
		}
		sc.Status = quality.ReviewStatus(status)
		scored = append(scored, sc)
	}
	if score, n, ok := quality.PeriodScore(scored); ok {
		tp.Score, tp.Reviews = &score, n
	}
	return rows.Err()
}

// ReviewLine is one review of the agent's work, for the page's list.
type ReviewLine struct {
	ID            int64      `json:"id"`
	TicketID      int64      `json:"ticket_id"`
	TicketNumber  int64      `json:"ticket_number"`
	TicketSubject string     `json:"ticket_subject"`
	Status        string     `json:"status"`
	Score         *float64   `json:"score"`
	SubmittedAt   *time.Time `json:"submitted_at"`
}

// RecentReviews is how many reviews the page lists.
const RecentReviews = 10

func recentReviews(ctx context.Context, q db.Queryer, agentID int64) ([]ReviewLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.ticket_id, t.number, t.subject, r.status, r.score, r.submitted_at
		FROM reviews r JOIN tickets t ON t.id = r.ticket_id
		WHERE r.agent_id = $1 AND r.status <> 'draft' AND r.calibration_id IS NULL
		ORDER BY r.submitted_at DESC, r.id DESC LIMIT $2`, agentID, RecentReviews)
	if err != nil {
		return nil, fmt.Errorf("standing: recent reviews: %w", err)
	}
	defer rows.Close()
	out := []ReviewLine{}
	for rows.Next() {
		var l ReviewLine
		if err := rows.Scan(&l.ID, &l.TicketID, &l.TicketNumber, &l.TicketSubject, &l.Status, &l.Score,
			db.ScanNullTime(&l.SubmittedAt)); err != nil {
			return nil, fmt.Errorf("standing: scan review: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ValueRating is an agent's mean normalised rating (0-100) for one value
// over their recent reviews.
type ValueRating struct {
	Name    string  `json:"name"`
	Colour  string  `json:"colour"`
	Mean    float64 `json:"mean"`
	Ratings int     `json:"ratings"`
}

// ValueReviews is how many of the agent's latest submitted reviews the
// strengths and growth areas are drawn from.
const ValueReviews = 20

// valueRatings averages the agent's normalised ratings per value (per
// category name when a category has no value) over their latest reviews,
// best first. Not-applicable ratings count for nothing.
func valueRatings(ctx context.Context, q db.Queryer, agentID int64) ([]ValueRating, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(v.name, c.name), COALESCE(v.colour, '#666666'),
		c.scale_min, c.scale_max, rr.rating
		FROM review_ratings rr JOIN scorecard_categories c ON c.id = rr.category_id
		LEFT JOIN team_values v ON v.id = c.value_id
		WHERE rr.rating IS NOT NULL AND rr.review_id IN (SELECT id FROM reviews WHERE agent_id = $1
			AND status = 'submitted' AND calibration_id IS NULL ORDER BY submitted_at DESC, id DESC LIMIT $2)`,
		agentID, ValueReviews)
	if err != nil {
		return nil, fmt.Errorf("standing: value ratings: %w", err)
	}
	defer rows.Close()
	sums := map[string]*ValueRating{}
	var order []string
	for rows.Next() {
		var (
			name, colour string
			c            quality.Category
			rating       int
		)
		if err := rows.Scan(&name, &colour, &c.Min, &c.Max, &rating); err != nil {
			return nil, fmt.Errorf("standing: scan rating: %w", err)
		}
		if sums[name] == nil {
			sums[name] = &ValueRating{Name: name, Colour: colour}
			order = append(order, name)
		}
		sums[name].Mean += quality.Normalize(c, rating)
		sums[name].Ratings++
	}
	out := []ValueRating{}
	for _, name := range order {
		v := *sums[name]
		v.Mean = round2(v.Mean / float64(v.Ratings))
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b ValueRating) int { return cmp.Compare(b.Mean, a.Mean) })
	return out, rows.Err()
}

// MaxStrengths bounds the strengths and the growth areas shown.
const MaxStrengths = 3

// strengthsAndGrowth splits values (best first) around the agent's own
// mean across them: at or above it a strength, below it a growth area, up
// to MaxStrengths of each. The yardstick is the agent, not the team: every
// agent has strengths and room to grow.
func strengthsAndGrowth(values []ValueRating) (strengths, growth []ValueRating) {
	if len(values) < 2 {
		return values, nil
	}
	var sum float64
	for _, v := range values {
		sum += v.Mean
	}
	mean := sum / float64(len(values))
	for _, v := range values {
		if v.Mean >= mean && len(strengths) < MaxStrengths {
			strengths = append(strengths, v)
		}
	}
	for i := len(values) - 1; i >= 0 && len(growth) < MaxStrengths; i-- {
		if values[i].Mean < mean {
			growth = append(growth, values[i])
		}
	}
	return strengths, growth
}

// BadgeRow is one value's badges earned by the agent, per month.
type BadgeRow struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Colour  string `json:"colour"`
	ByMonth []int  `json:"by_month"` // aligned with Profile.Months
	Total   int    `json:"total"`
}

func badgesByValue(ctx context.Context, q db.Queryer, agentID int64, now time.Time) ([]BadgeRow, error) {
	first := monthStart(now).AddDate(0, -(BadgeMonths - 1), 0)
	rows, err := q.QueryContext(ctx, `SELECT value_code, value_name, value_colour, created_at FROM badge_awards
		WHERE agent_id = $1 AND created_at >= $2 ORDER BY value_name, id`, agentID, db.Time(first))
	if err != nil {
		return nil, fmt.Errorf("standing: badges: %w", err)
	}
	defer rows.Close()
	out := []BadgeRow{}
	index := map[string]int{}
	for rows.Next() {
		var b BadgeRow
		var at time.Time
		if err := rows.Scan(&b.Code, &b.Name, &b.Colour, db.ScanTime(&at)); err != nil {
			return nil, fmt.Errorf("standing: scan badge: %w", err)
		}
		i, seen := index[b.Code]
		if !seen {
			b.ByMonth = make([]int, BadgeMonths)
			i, index[b.Code] = len(out), len(out)
			out = append(out, b)
		}
		month := (at.Year()-first.Year())*12 + int(at.Month()) - int(first.Month())
		if month >= 0 && month < BadgeMonths {
			out[i].ByMonth[month]++
			out[i].Total++
		}
	}
	return out, rows.Err()
}
