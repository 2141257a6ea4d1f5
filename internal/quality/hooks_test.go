package quality_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestSubmitHooksRunInTheSubmission(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sc := e.scorecard()
		agent := e.user("agent")
		var seen *quality.Review
		fail := true
		e.q.OnSubmit(func(_ context.Context, _ *sql.Tx, r *quality.Review) error {
			seen = r
			if fail {
				return errors.New("the hook refuses")
			}
			return nil
		})
		tk := e.solvedTicket(agent, 0, 0)
		draft, err := e.q.CreateReview(e.ctx(e.lead), e.lead, quality.NewReview{TicketID: tk, ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.UpdateReview(e.ctx(e.lead), e.lead, draft.ID, quality.ReviewPatch{Ratings: fullRatings(sc, 5)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.SubmitReview(e.ctx(e.lead), e.lead, draft.ID); err == nil {
			t.Fatal("a failing hook did not fail the submission")
		}
		if seen == nil || len(seen.Ratings) != 3 || seen.Status != quality.StatusSubmitted {
			t.Fatalf("the hook saw %+v", seen)
		}
		if r, _ := e.q.Review(e.ctx(e.lead), e.lead, draft.ID); r.Status != quality.StatusDraft {
			t.Fatalf("after the failed hook the review is %s", r.Status)
		}
		fail = false
		if r, err := e.q.SubmitReview(e.ctx(e.lead), e.lead, draft.ID); err != nil || r.Status != quality.StatusSubmitted {
			t.Fatalf("submit: %+v %v", r, err)
		}
	})
}
