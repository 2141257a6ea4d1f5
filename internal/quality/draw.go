package quality

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Why a ticket was drawn.
const (
	ReasonRandom    = "random"
	ReasonNeedsLook = "needs_look"
)

// Assignment is one ticket in a reviewer's queue for a period.
type Assignment struct {
	ID         int64     `json:"id"`
	PeriodID   int64     `json:"period_id"`
	TicketID   int64     `json:"ticket_id"`
	AgentID    int64     `json:"agent_id"`
	ReviewerID int64     `json:"reviewer_id"`
	Reason     string    `json:"reason"`
	NeedsLook  float64   `json:"needs_look"`
	CreatedAt  time.Time `json:"created_at"`
	// In a reviewer's queue: the review begun for it, if any.
	ReviewID *int64 `json:"review_id,omitempty"`
}

// DrawResult is what a draw added to a period's queue.
type DrawResult struct {
	Drawn []Assignment `json:"drawn"`
	// AgentsWithoutReviewer had tickets to review but no reviewer other
	// than themselves.
	AgentsWithoutReviewer []int64 `json:"agents_without_reviewer"`
}

// Draw fills a period's queue: for every agent whose tickets were solved in
// the period, up to PerAgent tickets (fewer if the agent has already some
// in the queue, or solved fewer). About half are the tickets that most need
// a look (NeedsLook), the rest are picked at random, so that good work is
// seen too. A ticket is drawn at most once per period, never for its own
// agent to review, and each goes to the eligible reviewer with the
// lightest load in the period. reviewerIDs empty means every lead and
// admin. rng makes the draw repeatable in tests.
func (s *Service) Draw(ctx context.Context, who *user.User, periodID int64, reviewerIDs []int64,
	rng *rand.Rand) (*DrawResult, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	var res *DrawResult
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Draws of one period run one at a time, each seeing the last.
		if err := lockRow(ctx, tx, "review_periods", periodID); err != nil {
			return err
		}
		p, err := getPeriod(ctx, tx, periodID)
		if err != nil {
			return err
		}
		reviewers, err := drawReviewers(ctx, tx, reviewerIDs)
		if err != nil {
			return err
		}
		st, err := loadDrawState(ctx, tx, p, reviewers)
		if err != nil {
			return err
		}
		res = st.draw(p.PerAgent, rng)
		now := s.now()
		for i := range res.Drawn {
			a := &res.Drawn[i]
			a.PeriodID, a.CreatedAt = p.ID, now
			if err := insertAssignment(ctx, tx, a); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "review_period.drawn", "review_period", p.ID,
			map[string]any{"drawn": len(res.Drawn), "reviewers": reviewers})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// drawReviewers checks the reviewers asked for, or lists the leads.
func drawReviewers(ctx context.Context, q db.Queryer, ids []int64) ([]int64, error) {
	if len(ids) > 0 {
		seen := map[int64]bool{}
		var out []int64
		for _, id := range ids {
			if err := user.CheckActive(ctx, q, "reviewer_ids", id); err != nil {
				return nil, err
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id FROM users WHERE role IN ('admin', 'lead')
		AND disabled_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("quality: list leads: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("quality: scan lead: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, apperr.Unprocessable("reviewer_ids", "there are no leads to review; name the reviewers")
	}
	return out, nil
}

// candidate is a ticket that may be drawn.
type candidate struct {
	ticketID, agentID int64
	needsLook         float64
}

// drawState is what a draw knows of a period before it picks.
type drawState struct {
	byAgent   map[int64][]candidate // tickets solved in the period not yet drawn, by agent
	agents    []int64               // sorted, so the draw is repeatable
	already   map[int64]int         // tickets already drawn per agent
	load      map[int64]int         // tickets already queued per reviewer
	reviewers []int64
}

func loadDrawState(ctx context.Context, q db.Queryer, p *Period, reviewers []int64) (*drawState, error) {
	st := &drawState{byAgent: map[int64][]candidate{}, already: map[int64]int{}, load: map[int64]int{},
		reviewers: reviewers}
	for _, r := range reviewers {
		st.load[r] = 0
	}
	rows, err := q.QueryContext(ctx, `SELECT agent_id, reviewer_id FROM review_assignments WHERE period_id = $1`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("quality: period queue: %w", err)
	}
	for rows.Next() {
		var agent, reviewer int64
		if err := rows.Scan(&agent, &reviewer); err != nil {
			rows.Close()
			return nil, fmt.Errorf("quality: scan queue: %w", err)
		}
		st.already[agent]++
		if _, ok := st.load[reviewer]; ok {
			st.load[reviewer]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	signals, err := loadSignals(ctx, q, p)
	if err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT t.id, t.assignee_id FROM tickets t
		WHERE t.solved_at >= $1 AND t.solved_at < $2 AND t.assignee_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM review_assignments a WHERE a.period_id = $3 AND a.ticket_id = t.id)
		ORDER BY t.id`, db.Time(p.StartsAt), db.Time(p.EndsAt), p.ID)
	if err != nil {
		return nil, fmt.Errorf("quality: solved tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.ticketID, &c.agentID); err != nil {
			return nil, fmt.Errorf("quality: scan solved ticket: %w", err)
		}
		if sig := signals[c.ticketID]; sig != nil {
			c.needsLook = NeedsLook(*sig)
		}
		if st.byAgent[c.agentID] == nil {
			st.agents = append(st.agents, c.agentID)
		}
		st.byAgent[c.agentID] = append(st.byAgent[c.agentID], c)
	}
	slices.Sort(st.agents)
	return st, rows.Err()
}

// draw picks the tickets and their reviewers.
func (st *drawState) draw(perAgent int, rng *rand.Rand) *DrawResult {
	res := &DrawResult{Drawn: []Assignment{}, AgentsWithoutReviewer: []int64{}}
	for _, agent := range st.agents {
		need := perAgent - st.already[agent]
		if need <= 0 {
			continue
		}
		if !slices.ContainsFunc(st.reviewers, func(r int64) bool { return r != agent }) {
			res.AgentsWithoutReviewer = append(res.AgentsWithoutReviewer, agent)
			continue
		}
		for _, c := range pick(st.byAgent[agent], need, rng) {
			reviewer := st.lightestReviewer(agent, rng)
			st.load[reviewer]++
			reason := ReasonRandom
			if c.focus {
				reason = ReasonNeedsLook
			}
			res.Drawn = append(res.Drawn, Assignment{TicketID: c.ticketID, AgentID: agent, ReviewerID: reviewer,
				Reason: reason, NeedsLook: c.needsLook})
		}
	}
	return res
}

type picked struct {
	candidate
	focus bool
}

// pick takes need tickets from cands: first the half (rounded up) that
// most need a look, among those that need one at all, then random ones
// from the rest.
func pick(cands []candidate, need int, rng *rand.Rand) []picked {
	if len(cands) <= need {
		out := make([]picked, len(cands))
		for i, c := range cands {
			out[i] = picked{c, c.needsLook > 0}
		}
		return out
	}
	ranked := slices.Clone(cands)
	slices.SortStableFunc(ranked, func(a, b candidate) int { return cmp.Compare(b.needsLook, a.needsLook) })
	var out []picked
	rest := ranked
	for len(out) < (need+1)/2 && len(rest) > 0 && rest[0].needsLook > 0 {
		out = append(out, picked{rest[0], true})
		rest = rest[1:]
	}
	// Shuffle what is left in ticket order, so the random part depends
	// only on the seed and the tickets, not on the ranking's ties.
	rest = slices.Clone(rest)
	slices.SortFunc(rest, func(a, b candidate) int { return cmp.Compare(a.ticketID, b.ticketID) })
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, c := range rest[:need-len(out)] {
		out = append(out, picked{c, false})
	}
	return out
}

// lightestReviewer returns the reviewer other than agent with the fewest
// tickets queued in the period, breaking ties at random.
func (st *drawState) lightestReviewer(agent int64, rng *rand.Rand) int64 {
	var tied []int64
	best := -1
	for _, r := range st.reviewers {
		if r == agent {
			continue
		}
		switch l := st.load[r]; {
		case best < 0 || l < best:
			best, tied = l, []int64{r}
		case l == best:
			tied = append(tied, r)
		}
	}
	return tied[rng.IntN(len(tied))]
}

func insertAssignment(ctx context.Context, q db.Queryer, a *Assignment) error {
	err := q.QueryRowContext(ctx, `INSERT INTO review_assignments (period_id, ticket_id, agent_id, reviewer_id,
		reason, needs_look, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.PeriodID, a.TicketID, a.AgentID, a.ReviewerID, a.Reason, a.NeedsLook, db.Time(a.CreatedAt)).Scan(&a.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("id", "ticket %d is already in this period's queue", a.TicketID)
	}
	if err != nil {
		return fmt.Errorf("quality: insert assignment: %w", err)
	}
	return nil
}

// Queue returns the caller's review queue: tickets drawn for them to review
// that have no submitted review yet, oldest period first. periodID 0 means
// every period.
func (s *Service) Queue(ctx context.Context, who *user.User, periodID int64) ([]Assignment, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `
		SELECT a.id, a.period_id, a.ticket_id, a.agent_id, a.reviewer_id, a.reason, a.needs_look, a.created_at, r.id
		FROM review_assignments a LEFT JOIN reviews r ON r.assignment_id = a.id
		WHERE a.reviewer_id = $1 AND (CAST($2 AS BIGINT) = 0 OR a.period_id = $2)
		AND (r.id IS NULL OR r.status = 'draft')
		ORDER BY a.period_id, a.id`, who.ID, periodID)
	if err != nil {
		return nil, fmt.Errorf("quality: queue: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func scanAssignment(row scanner) (Assignment, error) {
	var a Assignment
	err := row.Scan(&a.ID, &a.PeriodID, &a.TicketID, &a.AgentID, &a.ReviewerID, &a.Reason, &a.NeedsLook,
		db.ScanTime(&a.CreatedAt), &a.ReviewID)
	if err != nil {
		return a, fmt.Errorf("quality: scan assignment: %w", err)
	}
	return a, nil
}

// PeriodQueue lists every ticket drawn in a period; leads only.
func (s *Service) PeriodQueue(ctx context.Context, who *user.User, periodID int64) ([]Assignment, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	if _, err := getPeriod(ctx, q, periodID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT a.id, a.period_id, a.ticket_id, a.agent_id, a.reviewer_id, a.reason, a.needs_look, a.created_at, r.id
		FROM review_assignments a LEFT JOIN reviews r ON r.assignment_id = a.id
		WHERE a.period_id = $1 ORDER BY a.agent_id, a.id`, periodID)
	if err != nil {
		return nil, fmt.Errorf("quality: period queue: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
