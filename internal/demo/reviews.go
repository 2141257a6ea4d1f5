package demo

import (
	"context"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The review programme over the demo's last three months: a scorecard
// from the team's values, a period each week with its queue drawn, most of
// it reviewed (each agent scoring about their usual, so scores spread as
// on a real team), some reviews disputed and answered, and one
// calibration session. It all goes through the quality service, as leads
// and reviewers would; what the service stamps "now" is then dated back
// to when it would have happened, and, as for the tickets, no outbox rows
// are left for consumers to replay as news.

// reviewDemo is the state of the review programme's demo.
type reviewDemo struct {
	g         *generator
	q         *quality.Service
	lead      *user.User
	reviewers []*user.User
	sc        *quality.Scorecard
	skill     map[int64]float64 // each agent's usual mark, on 1-5
	now       time.Time
}

// reviews runs the review programme; it needs the values that the
// philosophy demo writes (it writes a few itself only if there are none).
func (g *generator) reviews(ctx context.Context) error {
	lead, err := g.o.Users.GetByEmail(ctx, g.res.AdminEmail)
	if err != nil {
		return fmt.Errorf("demo: reviews: %w", err)
	}
	rd := &reviewDemo{g: g, q: quality.NewService(g.d), lead: lead, skill: map[int64]float64{}, now: g.o.Now}
	rd.reviewers = []*user.User{lead, {ID: g.agents[0], Role: user.RoleAgent}, {ID: g.agents[6], Role: user.RoleAgent}}
	for _, a := range g.agents {
		rd.skill[a] = 2.8 + g.rnd.Float64()*1.9
	}
	var from int64
	if err := g.d.Reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&from); err != nil {
		return fmt.Errorf("demo: reviews: %w", err)
	}
	if err := rd.scorecard(ctx); err != nil {
		return err
	}
	thisWeek := quality.WeekStart(rd.now)
	weeks := min(13, g.o.Days/7+1)
	// Reviews of a week happen in the days after it: this week's queue is
	// untouched so far, last week's is a third done, older ones are done.
	for w := weeks - 1; w >= 0; w-- {
		share := 1.0
		switch w {
		case 0:
			share = 0
		case 1:
			share = 1.0 / 3
		}
		if err := rd.week(ctx, thisWeek.AddDate(0, 0, -7*w), share); err != nil {
			return err
		}
	}
	if err := rd.calibration(ctx, thisWeek.AddDate(0, 0, -14)); err != nil {
		return err
	}
	if _, err := g.d.Writer(ctx).ExecContext(ctx, `DELETE FROM outbox WHERE event_id > $1`, from); err != nil {
		return fmt.Errorf("demo: reviews: clear outbox: %w", err)
	}
	return nil
}

// as is a context whose changes are by u.
func as(ctx context.Context, u *user.User) context.Context {
	return audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: fmt.Sprintf("demo user %d", u.ID)})
}

// scorecard builds the scorecard from the values: Empathetic counts
// double, Trustful is pass/fail and critical.
func (rd *reviewDemo) scorecard(ctx context.Context) error {
	ph, err := rd.q.Philosophy(ctx)
	if err != nil {
		return err
	}
	if len(ph.Values) == 0 {
		if ph, err = rd.q.PutPhilosophy(as(ctx, rd.lead), rd.lead, fallbackPhilosophy); err != nil {
			return fmt.Errorf("demo: values: %w", err)
		}
	}
	var cats []quality.NewCategory
	for _, v := range ph.Values {
		c := quality.NewCategory{ValueID: v.ID}
		switch v.Name {
		case "Empathetic":
			two := 2.0
			c.Weight = &two
		case "Trustful":
			c.Scale, c.Critical = quality.ScalePassFail, true
		}
		cats = append(cats, c)
	}
	rd.sc, err = rd.q.CreateScorecard(as(ctx, rd.lead), rd.lead, quality.NewScorecard{
		Name: fmt.Sprintf("Weekly values review (demo %d)", rd.g.o.Seed), Categories: cats})
	if err != nil {
		return fmt.Errorf("demo: scorecard: %w", err)
	}
	return nil
}

var fallbackPhilosophy = quality.PhilosophyInput{
	Vision: "Every customer leaves feeling heard, helped and a little surprised by how easy it was.",
	Values: []quality.ValueInput{
		{Name: "Creative", Code: "C", Colour: "#7b3fa0"}, {Name: "Empowering", Code: "EP", Colour: "#1f5fae"},
		{Name: "Nimble", Code: "N", Colour: "#0f7b6c"}, {Name: "Trustful", Code: "T", Colour: "#8a5a00"},
		{Name: "Empathetic", Code: "EM", Colour: "#b3261e"}, {Name: "Responsive", Code: "R", Colour: "#35618f"},
	},
}

// week opens the period that starts at start, draws its queue and reviews
// share of it; a review left undone is sometimes a draft begun.
func (rd *reviewDemo) week(ctx context.Context, start time.Time, share float64) error {
	end := start.AddDate(0, 0, 7)
	p, err := rd.q.CreatePeriod(as(ctx, rd.lead), rd.lead, quality.NewPeriod{StartsAt: &start, EndsAt: &end,
		PerAgent: 2, ScorecardID: rd.sc.ID})
	if apperr.Is(err, apperr.KindConflict) {
		return nil // an earlier demo in this database made this week already
	}
	if err != nil {
		return fmt.Errorf("demo: period: %w", err)
	}
	ids := make([]int64, len(rd.reviewers))
	for i, r := range rd.reviewers {
		ids[i] = r.ID
	}
	rng := mrand.New(mrand.NewPCG(rd.g.rnd.Uint64(), rd.g.rnd.Uint64()))
	res, err := rd.q.Draw(as(ctx, rd.lead), rd.lead, p.ID, ids, rng)
	if err != nil {
		return fmt.Errorf("demo: draw: %w", err)
	}
	if err := rd.date(ctx, `UPDATE review_periods SET created_at = $1 WHERE id = $2`, start, p.ID); err != nil {
		return err
	}
	if err := rd.date(ctx, `UPDATE review_assignments SET created_at = $1 WHERE period_id = $2`, start, p.ID); err != nil {
		return err
	}
	for i, a := range res.Drawn {
		if float64(i) >= share*float64(len(res.Drawn)) {
			if share > 0 && i%4 == 0 {
				if err := rd.draft(ctx, a); err != nil {
					return err
				}
			}
			continue
		}
		at := end.Add(time.Duration(2+rd.g.rnd.IntN(60)) * time.Hour)
		if at.After(rd.now) {
			at = rd.now.Add(-time.Duration(1+rd.g.rnd.IntN(30)) * time.Minute)
		}
		if err := rd.review(ctx, a, at, share == 1); err != nil {
			return err
		}
	}
	return nil
}

// draft begins a review of a queued ticket and leaves it half done.
func (rd *reviewDemo) draft(ctx context.Context, a quality.Assignment) error {
	reviewer := rd.reviewerOf(a.ReviewerID)
	rv, err := rd.q.CreateReview(as(ctx, reviewer), reviewer, quality.NewReview{AssignmentID: a.ID})
	if err != nil {
		return fmt.Errorf("demo: draft: %w", err)
	}
	ratings, err := rd.marks(ctx, a.TicketID, rd.skill[a.AgentID], 0.8)
	if err != nil {
		return err
	}
	ratings = ratings[:min(2, len(ratings))]
	if _, err := rd.q.UpdateReview(as(ctx, reviewer), reviewer, rv.ID, quality.ReviewPatch{Ratings: ratings}); err != nil {
		return fmt.Errorf("demo: draft: %w", err)
	}
	return nil
}

// reviewerOf is the reviewer an assignment went to.
func (rd *reviewDemo) reviewerOf(id int64) *user.User {
	for _, r := range rd.reviewers {
		if r.ID == id {
			return r
		}
	}
	return &user.User{ID: id, Role: user.RoleAgent}
}

// review scores one queued ticket and submits it at at; the agent then
// may acknowledge or dispute it, and a lead answers (if answered is set).
func (rd *reviewDemo) review(ctx context.Context, a quality.Assignment, at time.Time, answered bool) error {
	reviewer := rd.reviewerOf(a.ReviewerID)
	rctx := as(ctx, reviewer)
	rv, err := rd.q.CreateReview(rctx, reviewer, quality.NewReview{AssignmentID: a.ID})
	if err != nil {
		return fmt.Errorf("demo: review: %w", err)
	}
	comment := pick(rd.g.rnd, reviewComments)
	ratings, err := rd.marks(ctx, a.TicketID, rd.skill[a.AgentID], 0.8)
	if err != nil {
		return err
	}
	if _, err := rd.q.UpdateReview(rctx, reviewer, rv.ID, quality.ReviewPatch{Comment: &comment, Ratings: ratings}); err != nil {
		return fmt.Errorf("demo: rate: %w", err)
	}
	if rv, err = rd.q.SubmitReview(rctx, reviewer, rv.ID); err != nil {
		return fmt.Errorf("demo: submit: %w", err)
	}
	begun := at.Add(-time.Duration(10+rd.g.rnd.IntN(40)) * time.Minute)
	if err := rd.date(ctx, `UPDATE reviews SET created_at = $1, updated_at = $2, submitted_at = $2 WHERE id = $3`,
		begun, at, rv.ID); err != nil {
		return err
	}
	if err := rd.dateEvent(ctx, quality.EventReviewSubmitted, at); err != nil {
		return err
	}
	return rd.answer(ctx, rv, at, answered)
}

// answer is the agent's answer to a review: most acknowledge it, a few
// dispute it (more often a low score), and a lead resolves the dispute.
func (rd *reviewDemo) answer(ctx context.Context, rv *quality.Review, at time.Time, answered bool) error {
	agent := &user.User{ID: rv.AgentID, Role: user.RoleAgent}
	actx := as(ctx, agent)
	later := at.Add(time.Duration(1+rd.g.rnd.IntN(20)) * time.Hour)
	if later.After(rd.now) {
		later = rd.now
	}
	low := rv.Score != nil && *rv.Score < 60
	// Fresh reviews are disputed a little more often, so a few are open.
	if (low && rd.g.rnd.Float64() < 0.35) || rd.g.rnd.Float64() < 0.03 || (!answered && rd.g.rnd.Float64() < 0.2) {
		d, err := rd.q.DisputeReview(actx, agent, rv.ID, quality.NewDispute{Reason: pick(rd.g.rnd, disputeReasons)})
		if err != nil {
			return fmt.Errorf("demo: dispute: %w", err)
		}
		if err := rd.date(ctx, `UPDATE review_disputes SET created_at = $1 WHERE id = $2`, later, d.ID); err != nil {
			return err
		}
		if err := rd.dateEvent(ctx, quality.EventReviewDisputed, later); err != nil {
			return err
		}
		if !answered {
			return nil
		}
		return rd.resolve(ctx, rv, d.ID, later.Add(time.Duration(4+rd.g.rnd.IntN(48))*time.Hour))
	}
	if rd.g.rnd.Float64() < 0.7 {
		if _, err := rd.q.AcknowledgeReview(actx, agent, rv.ID); err != nil {
			return fmt.Errorf("demo: acknowledge: %w", err)
		}
		return rd.date(ctx, `UPDATE reviews SET acknowledged_at = $1, updated_at = $1 WHERE id = $2`, later, rv.ID)
	}
	return nil
}

// resolve answers a dispute: accepted, partly accepted (the lowest range
// mark goes up one) or rejected.
func (rd *reviewDemo) resolve(ctx context.Context, rv *quality.Review, disputeID int64, at time.Time) error {
	if at.After(rd.now) {
		at = rd.now
	}
	in := quality.Resolution{Outcome: quality.DisputeRejected, Note: "Thanks for raising it; the marks stand."}
	switch n := rd.g.rnd.Float64(); {
	case n < 0.3:
		in = quality.Resolution{Outcome: quality.DisputeAccepted, Note: "Agreed: this review is set aside."}
	case n < 0.6:
		if fixed := raiseLowest(rd.sc, rv.Ratings); fixed != nil {
			in = quality.Resolution{Outcome: quality.DisputePartlyAccepted, Note: "Partly agreed: one mark corrected.",
				Ratings: fixed}
		}
	}
	d, err := rd.q.ResolveDispute(as(ctx, rd.lead), rd.lead, disputeID, in)
	if err != nil {
		return fmt.Errorf("demo: resolve: %w", err)
	}
	if err := rd.date(ctx, `UPDATE review_disputes SET resolved_at = $1 WHERE id = $2`, at, d.ID); err != nil {
		return err
	}
	return rd.dateEvent(ctx, quality.EventDisputeResolved, at)
}

// raiseLowest returns the lowest range rating raised by one, or nil.
func raiseLowest(sc *quality.Scorecard, ratings []quality.Rating) []quality.Rating {
	var best *quality.Rating
	for _, c := range sc.Categories {
		for i := range ratings {
			rt := &ratings[i]
			if rt.CategoryID == c.ID && c.Scale == quality.ScaleRange && rt.Rating != nil && *rt.Rating < c.Max &&
				(best == nil || *rt.Rating < *best.Rating) {
				best = rt
			}
		}
	}
	if best == nil {
		return nil
	}
	up := *best
	v := *best.Rating + 1
	up.Rating = &v
	return []quality.Rating{up}
}

// marks rates every category about the agent's usual mark, spread by
// spread; Trustful fails now and then, more for weaker agents; Creative
// and Nimble sometimes do not apply. A comment on a weak mark points at
// one of the agent's messages.
func (rd *reviewDemo) marks(ctx context.Context, ticketID int64, skill, spread float64) ([]quality.Rating, error) {
	r := rd.g.rnd
	var agentMsg int64
	if err := rd.g.d.Reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM messages
		WHERE ticket_id = $1 AND author_type = 'agent'`, ticketID).Scan(&agentMsg); err != nil {
		return nil, fmt.Errorf("demo: agent message: %w", err)
	}
	var out []quality.Rating
	for _, c := range rd.sc.Categories {
		rt := quality.Rating{CategoryID: c.ID, MessageIDs: []int64{}}
		switch {
		case c.Scale == quality.ScalePassFail:
			pass := 1
			if r.Float64() < 0.02+(4.7-skill)*0.03 {
				pass = 0
				rt.Comment = "Promised a call-back that never came."
			}
			rt.Rating = &pass
		case (c.Name == "Creative" || c.Name == "Nimble") && r.Float64() < 0.15:
			rt.NotApplicable = true
		default:
			on5 := math.Max(1, math.Min(5, math.Round(skill+r.NormFloat64()*spread)))
			v := c.Min + int(math.Round((on5-1)/4*float64(c.Max-c.Min)))
			rt.Rating = &v
			if on5 <= 2 {
				rt.Comment = pick(r, weakComments)
			} else if on5 == 5 && r.Float64() < 0.3 {
				rt.Comment = pick(r, strongComments)
			}
		}
		if rt.Comment != "" && agentMsg != 0 {
			rt.MessageIDs = []int64{agentMsg}
		}
		out = append(out, rt)
	}
	return out, nil
}

// date runs one UPDATE that dates rows back; times among args are
// written as the dialect stores them.
func (rd *reviewDemo) date(ctx context.Context, query string, args ...any) error {
	for i, a := range args {
		if t, ok := a.(time.Time); ok {
			args[i] = db.Time(t)
		}
	}
	if _, err := rd.g.d.Writer(ctx).ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("demo: date back: %w", err)
	}
	return nil
}

// dateEvent dates back the event of typ just appended.
func (rd *reviewDemo) dateEvent(ctx context.Context, typ string, at time.Time) error {
	_, err := rd.g.d.Writer(ctx).ExecContext(ctx, `UPDATE events SET at = $1
		WHERE id = (SELECT MAX(id) FROM events WHERE type = $2)`, db.Time(at), typ)
	if err != nil {
		return fmt.Errorf("demo: date event: %w", err)
	}
	return nil
}
