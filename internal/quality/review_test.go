package quality_test

import (
	"math"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// reviewed draws a period for one agent's one ticket and has reviewer
// submit a review of it with every range rated r.
func (e *env) reviewed(agent, reviewer *user.User, r int) (*quality.Review, *quality.Scorecard) {
	e.t.Helper()
	sc := e.scorecardOnce()
	tk := e.solvedTicket(agent, 1, 0)
	var (
		draft *quality.Review
		err   error
	)
	if reviewer.ID == e.lead.ID {
		draft, err = e.q.CreateReview(e.ctx(e.lead), e.lead, quality.NewReview{TicketID: tk, ScorecardID: sc.ID})
	} else {
		p := e.period(1)
		res, drawErr := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, []int64{reviewer.ID}, seeded(1))
		if drawErr != nil || len(res.Drawn) != 1 {
			e.t.Fatalf("draw %+v %v", res, drawErr)
		}
		draft, err = e.q.CreateReview(e.ctx(reviewer), reviewer, quality.NewReview{AssignmentID: res.Drawn[0].ID})
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.q.UpdateReview(e.ctx(reviewer), reviewer, draft.ID, quality.ReviewPatch{Ratings: fullRatings(sc, r)}); err != nil {
		e.t.Fatal(err)
	}
	sub, err := e.q.SubmitReview(e.ctx(reviewer), reviewer, draft.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return sub, sc
}

func (e *env) scorecardOnce() *quality.Scorecard {
	e.t.Helper()
	cards, err := e.q.Scorecards(e.ctx(e.lead))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(cards) > 0 {
		return cards[0]
	}
	return e.scorecard()
}

func TestReviewDraftSubmitAndScore(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sc := e.scorecard()
		agent := e.user("agent")
		tk := e.solvedTicket(agent, 2, 0)
		r, err := e.q.CreateReview(e.ctx(e.lead), e.lead, quality.NewReview{TicketID: tk})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != quality.StatusDraft || r.AgentID != agent.ID || r.ScorecardID != sc.ID {
			t.Fatalf("draft %+v", r)
		}
		// The agent cannot see a draft of their review.
		if _, err := e.q.Review(e.ctx(agent), agent, r.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("agent read a draft: %v", err)
		}
		msgs, err := e.tickets.Messages(e.ctx(e.lead), tk)
		if err != nil {
			t.Fatal(err)
		}
		emp, resp, trust := sc.Categories[0].ID, sc.Categories[1].ID, sc.Categories[2].ID
		_, err = e.q.UpdateReview(e.ctx(e.lead), e.lead, r.ID, quality.ReviewPatch{Ratings: []quality.Rating{
			{CategoryID: emp, Rating: ptr(4), Comment: "Warm opening", MessageIDs: []int64{msgs[1].ID}},
			{CategoryID: resp, Comment: "Comment first, rating later"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.SubmitReview(e.ctx(e.lead), e.lead, r.ID); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("incomplete review submitted: %v", err)
		}
		bad := []quality.Rating{{CategoryID: emp, Rating: ptr(6)}}
		if _, err := e.q.UpdateReview(e.ctx(e.lead), e.lead, r.ID, quality.ReviewPatch{Ratings: bad}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("rating 6 of 5: %v", err)
		}
		elsewhere := []quality.Rating{{CategoryID: emp, Rating: ptr(3), MessageIDs: []int64{999999}}}
		if _, err := e.q.UpdateReview(e.ctx(e.lead), e.lead, r.ID, quality.ReviewPatch{Ratings: elsewhere}); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("foreign message: %v", err)
		}
		_, err = e.q.UpdateReview(e.ctx(e.lead), e.lead, r.ID, quality.ReviewPatch{Ratings: []quality.Rating{
			{CategoryID: resp, NotApplicable: true}, {CategoryID: trust, Rating: ptr(1)}}})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := e.q.SubmitReview(e.ctx(e.lead), e.lead, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Empathetic 4 → 75 (weight 2), Responsive n/a, Trustful pass → 100.
		if sub.Status != quality.StatusSubmitted || sub.Score == nil || math.Abs(*sub.Score-(75*2+100)/3.0) > 1e-9 {
			t.Fatalf("submitted %+v score %v", sub, *sub.Score)
		}
		got, err := e.q.Review(e.ctx(agent), agent, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Ratings) != 3 || got.Ratings[0].Comment != "Warm opening" || got.Ratings[0].MessageIDs[0] != msgs[1].ID {
			t.Fatalf("agent's view %+v", got.Ratings)
		}
		evs, err := events.List(e.ctx(e.lead), d.Read(), tk)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Type != quality.EventReviewSubmitted || last.Data["agent_id"] != float64(agent.ID) {
			t.Fatalf("last event %+v", last)
		}
		if _, err := e.q.UpdateReview(e.ctx(e.lead), e.lead, r.ID, quality.ReviewPatch{}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("changed a submitted review: %v", err)
		}
		if _, err := e.q.CreateReview(e.ctx(agent), agent, quality.NewReview{TicketID: tk}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent reviewed outside their queue: %v", err)
		}
	})
}

func TestAgentsReadOnlyTheirOwnReviews(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a, b, peer := e.user("agent"), e.user("agent"), e.user("agent")
		ofA, _ := e.reviewed(a, peer, 4)
		ofB, _ := e.reviewed(b, e.lead, 2)
		if _, err := e.q.Review(e.ctx(b), b, ofA.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("b read a's review: %v", err)
		}
		for _, u := range []*user.User{a, peer, e.lead} {
			if _, err := e.q.Review(e.ctx(u), u, ofA.ID); err != nil {
				t.Fatalf("user %d cannot read a's review: %v", u.ID, err)
			}
		}
		list, err := e.q.Reviews(e.ctx(b), b, quality.ReviewFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != ofB.ID {
			t.Fatalf("b lists %+v", list)
		}
		if list, _ := e.q.Reviews(e.ctx(e.lead), e.lead, quality.ReviewFilter{}); len(list) != 2 {
			t.Fatalf("lead lists %d", len(list))
		}
		// The setting widens what agents read, in the one place that decides.
		if _, err := d.Write().Exec(`INSERT INTO settings (key, value, updated_at) VALUES ($1, 'true', $2)`,
			quality.SettingReviewsVisibleToAgents, db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.Review(e.ctx(b), b, ofA.ID); err != nil {
			t.Fatalf("with the setting on: %v", err)
		}
		if list, _ := e.q.Reviews(e.ctx(b), b, quality.ReviewFilter{}); len(list) != 2 {
			t.Fatalf("b lists %d with the setting on", len(list))
		}
	})
}

func TestDisputeFlow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		agent, other := e.user("agent"), e.user("agent")
		r1, sc := e.reviewed(agent, e.lead, 1) // Empathetic 1, Responsive 1, Trustful pass: 100/4 = 25
		r2, _ := e.reviewed(agent, e.lead, 3)
		r3, _ := e.reviewed(agent, e.lead, 5)
		if _, err := e.q.DisputeReview(e.ctx(other), other, r1.ID, quality.NewDispute{Reason: "x"}); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("another agent disputed: %v", err)
		}
		if _, err := e.q.DisputeReview(e.ctx(agent), agent, r1.ID, quality.NewDispute{}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("dispute without reason: %v", err)
		}
		ack, err := e.q.AcknowledgeReview(e.ctx(agent), agent, r3.ID)
		if err != nil || ack.AcknowledgedAt == nil {
			t.Fatalf("acknowledge %+v %v", ack, err)
		}
		d1, err := e.q.DisputeReview(e.ctx(agent), agent, r1.ID, quality.NewDispute{Reason: "The customer thanked me twice"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.DisputeReview(e.ctx(agent), agent, r1.ID, quality.NewDispute{Reason: "again"}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("second dispute: %v", err)
		}
		d2, err := e.q.DisputeReview(e.ctx(agent), agent, r2.ID, quality.NewDispute{Reason: "Responsive was fine"})
		if err != nil {
			t.Fatal(err)
		}
		if open, _ := e.q.Disputes(e.ctx(e.lead), e.lead, quality.DisputeOpen); len(open) != 2 {
			t.Fatalf("%d open disputes", len(open))
		}
		if _, err := e.q.ResolveDispute(e.ctx(agent), agent, d1.ID, quality.Resolution{Outcome: quality.DisputeAccepted}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent resolved: %v", err)
		}
		// Accepted: the review is voided and leaves the period's score.
		if _, err := e.q.ResolveDispute(e.ctx(e.lead), e.lead, d1.ID, quality.Resolution{Outcome: quality.DisputeAccepted,
			Note: "Agreed"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.ResolveDispute(e.ctx(e.lead), e.lead, d1.ID, quality.Resolution{Outcome: quality.DisputeRejected}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("resolved twice: %v", err)
		}
		voided, err := e.q.Review(e.ctx(agent), agent, r1.ID)
		if err != nil || voided.Status != quality.StatusVoided {
			t.Fatalf("voided %+v %v", voided, err)
		}
		// Partly accepted: the lead corrects Responsive from 3 to 5.
		fix := []quality.Rating{{CategoryID: sc.Categories[1].ID, Rating: ptr(5)}}
		if _, err := e.q.ResolveDispute(e.ctx(e.lead), e.lead, d2.ID, quality.Resolution{Outcome: quality.DisputePartlyAccepted,
			Ratings: fix}); err != nil {
			t.Fatal(err)
		}
		fixed, err := e.q.Review(e.ctx(agent), agent, r2.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Empathetic 3 → 50 (weight 2), Responsive 5 → 100, Trustful pass → 100.
		if fixed.Status != quality.StatusSubmitted || math.Abs(*fixed.Score-75) > 1e-9 {
			t.Fatalf("corrected %+v score %v", fixed, *fixed.Score)
		}
		evs, err := events.List(e.ctx(e.lead), d.Read(), r2.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		types := []string{}
		for _, ev := range evs[len(evs)-3:] {
			types = append(types, ev.Type)
		}
		if types[0] != quality.EventReviewSubmitted || types[1] != quality.EventReviewDisputed ||
			types[2] != quality.EventDisputeResolved || evs[len(evs)-1].Data["outcome"] != "partly_accepted" {
			t.Fatalf("events %v", types)
		}
		mine, err := e.q.Disputes(e.ctx(other), other, "")
		if err != nil || len(mine) != 0 {
			t.Fatalf("other's disputes %+v %v", mine, err)
		}
	})
}

func TestPeriodScoresPerAgent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		agent, peer := e.user("agent"), e.user("agent")
		r, _ := e.reviewed(agent, peer, 5)
		scores, err := e.q.PeriodScores(e.ctx(e.lead), e.lead, *r.PeriodID)
		if err != nil {
			t.Fatal(err)
		}
		if len(scores) != 1 || scores[0].AgentID != agent.ID || *scores[0].Score != 100 || scores[0].Reviews != 1 {
			t.Fatalf("scores %+v", scores)
		}
		if own, _ := e.q.PeriodScores(e.ctx(peer), peer, *r.PeriodID); len(own) != 0 {
			t.Fatalf("peer sees %+v", own)
		}
	})
}

func TestCalibrationIsBlindUntilClosed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sc := e.scorecard()
		agent, r1, r2, r3 := e.user("agent"), e.user("agent"), e.user("agent"), e.user("agent")
		tk := e.solvedTicket(agent, 1, 0)
		if _, err := e.q.CreateCalibration(e.ctx(e.lead), e.lead, quality.NewCalibration{TicketID: tk,
			ReviewerIDs: []int64{r1.ID, agent.ID}}); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("the ticket's agent calibrates: %v", err)
		}
		c, err := e.q.CreateCalibration(e.ctx(e.lead), e.lead, quality.NewCalibration{TicketID: tk,
			ReviewerIDs: []int64{r1.ID, r2.ID, r3.ID}})
		if err != nil {
			t.Fatal(err)
		}
		submit := func(u *user.User, rating int) *quality.Review {
			r, err := e.q.CreateReview(e.ctx(u), u, quality.NewReview{CalibrationID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.q.UpdateReview(e.ctx(u), u, r.ID, quality.ReviewPatch{Ratings: fullRatings(sc, rating)}); err != nil {
				t.Fatal(err)
			}
			if r, err = e.q.SubmitReview(e.ctx(u), u, r.ID); err != nil {
				t.Fatal(err)
			}
			return r
		}
		first := submit(r1, 5)
		submit(r2, 3)
		// r3 has not submitted: r2 sees only their own review.
		view, err := e.q.Calibration(e.ctx(r2), r2, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if view.Status != quality.SessionOpen || len(view.Reviews) != 1 || view.Reviews[0].ReviewerID != r2.ID {
			t.Fatalf("open view %+v", view)
		}
		if _, err := e.q.Review(e.ctx(r2), r2, first.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("r2 read r1's review while open: %v", err)
		}
		if _, err := e.q.Review(e.ctx(agent), agent, first.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("the agent read a calibration review: %v", err)
		}
		if _, err := e.q.Review(e.ctx(e.lead), e.lead, first.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("a lead read a calibration review while open: %v", err)
		}
		if leads, _ := e.q.Calibration(e.ctx(e.lead), e.lead, c.ID); len(leads.Reviews) != 0 {
			t.Fatalf("a lead saw %d reviews of an open session", len(leads.Reviews))
		}
		submit(r3, 4) // the last one closes the session
		view, err = e.q.Calibration(e.ctx(r2), r2, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if view.Status != quality.SessionClosed || len(view.Reviews) != 3 || len(view.Differences) != 3 {
			t.Fatalf("closed view %+v", view)
		}
		if _, err := e.q.Review(e.ctx(agent), agent, first.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("the agent read a closed calibration review: %v", err)
		}
		if _, err := e.q.Review(e.ctx(e.lead), e.lead, first.ID); err != nil {
			t.Fatalf("a lead cannot read a closed calibration review: %v", err)
		}
		// Ranges: 100, 50, 75 around 75; pass/fail all 100. r1 and r2 are
		// 25 off on two categories of three, r3 on none.
		want := map[int64]float64{r1.ID: 100 - 50.0/3, r2.ID: 100 - 50.0/3, r3.ID: 100}
		for _, p := range view.Participants {
			if p.Agreement == nil || math.Abs(*p.Agreement-want[p.ReviewerID]) > 1e-9 || !p.Submitted {
				t.Fatalf("participant %+v, want %v", p, want[p.ReviewerID])
			}
		}
		if view.Differences[0].Spread != 50 {
			t.Fatalf("differences %+v", view.Differences[0])
		}
		agreements, err := e.q.Agreements(e.ctx(e.lead), e.lead)
		if err != nil || len(agreements) != 3 {
			t.Fatalf("agreements %+v %v", agreements, err)
		}
		// Calibration reviews do not count toward the agent's score.
		if _, err := e.q.CloseCalibration(e.ctx(e.lead), e.lead, c.ID); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("closed twice: %v", err)
		}
	})
}
