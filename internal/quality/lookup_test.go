package quality_test

import (
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestLookupsForTheReviewPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sc := e.scorecard()
		agent, reviewer, outsider := e.user("agent"), e.user("agent"), e.user("agent")
		reopened := e.solvedTicket(agent, 1, 2)
		p := e.period(1)
		ctx := e.ctx(e.lead)

		sig, err := e.q.PeriodSignals(ctx, reviewer, p.ID)
		if err != nil || sig[reopened].Reopens != 2 {
			t.Fatalf("signals: %v %+v", err, sig)
		}
		if _, err := e.q.Draw(ctx, e.lead, p.ID, []int64{reviewer.ID}, seeded(1)); err != nil {
			t.Fatal(err)
		}
		a, err := e.q.AssignmentOf(ctx, reviewer, reopened)
		if err != nil || a == 0 {
			t.Fatalf("assignment of the queued ticket: %d %v", a, err)
		}
		if _, err := e.q.AssignmentOf(ctx, outsider, reopened); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an outsider's assignment: %v", err)
		}
		if a, err := e.q.AssignmentOf(ctx, e.lead, reopened); err != nil || a != 0 {
			t.Fatalf("a lead without the ticket queued: %d %v", a, err)
		}

		if id, err := e.q.DraftOf(ctx, reviewer, reopened); err != nil || id != 0 {
			t.Fatalf("draft before any: %d %v", id, err)
		}
		rv, err := e.q.CreateReview(ctx, reviewer, quality.NewReview{AssignmentID: a})
		if err != nil {
			t.Fatal(err)
		}
		if id, err := e.q.DraftOf(ctx, reviewer, reopened); err != nil || id != rv.ID {
			t.Fatalf("draft: %d %v, want %d", id, err, rv.ID)
		}
		if _, err := e.q.UpdateReview(ctx, reviewer, rv.ID, quality.ReviewPatch{Ratings: fullRatings(sc, 3)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.SubmitReview(ctx, reviewer, rv.ID); err != nil {
			t.Fatal(err)
		}
		if dp, err := e.q.ReviewDispute(ctx, agent, rv.ID); err != nil || dp != nil {
			t.Fatalf("dispute before any: %+v %v", dp, err)
		}
		made, err := e.q.DisputeReview(ctx, agent, rv.ID, quality.NewDispute{Reason: "Too harsh"})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			name string
			id   int64
			sees bool
		}{{"agent", agent.ID, true}, {"lead", e.lead.ID, true}, {"reviewer", reviewer.ID, false}} {
			u := e.userByID(who.id)
			if who.id == e.lead.ID {
				u = e.lead
			}
			dp, err := e.q.ReviewDispute(ctx, u, rv.ID)
			if err != nil || (dp != nil) != who.sees || (dp != nil && dp.ID != made.ID) {
				t.Fatalf("%s sees dispute %+v (%v), want seen=%v", who.name, dp, err, who.sees)
			}
		}

		c, err := e.q.CreateCalibration(ctx, e.lead, quality.NewCalibration{TicketID: reopened,
			ReviewerIDs: []int64{reviewer.ID, e.lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			u    int64
			n    int
			mine bool
		}{{reviewer.ID, 1, true}, {outsider.ID, 0, false}} {
			list, err := e.q.Calibrations(ctx, e.userByID(who.u))
			if err != nil || len(list) != who.n || (who.n > 0 && (list[0].ID != c.ID || list[0].Mine != who.mine ||
				list[0].Reviewers != 2 || list[0].Status != quality.SessionOpen)) {
				t.Fatalf("calibrations of %d: %+v %v", who.u, list, err)
			}
		}
		if list, err := e.q.Calibrations(ctx, e.lead); err != nil || len(list) != 1 || !list[0].Mine {
			t.Fatalf("a lead's calibrations: %+v %v", list, err)
		}
	})
}
