package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
)

// calibration has three reviewers score one ticket of the week at start,
// blind, then close it; they agree on most values but not all.
func (rd *reviewDemo) calibration(ctx context.Context, start time.Time) error {
	var ticketID, agent int64
	err := rd.g.d.Reader(ctx).QueryRowContext(ctx, `SELECT id, assignee_id FROM tickets WHERE solved_at >= $1
		AND solved_at < $2 AND assignee_id NOT IN ($3, $4, $5) ORDER BY id LIMIT 1`,
		db.Time(start), db.Time(start.AddDate(0, 0, 7)), rd.reviewers[0].ID, rd.reviewers[1].ID, rd.reviewers[2].ID).Scan(&ticketID, &agent)
	if err != nil {
		return nil // no ticket that week: no session
	}
	c, err := rd.q.CreateCalibration(as(ctx, rd.lead), rd.lead, quality.NewCalibration{TicketID: ticketID,
		ScorecardID: rd.sc.ID, ReviewerIDs: []int64{rd.reviewers[0].ID, rd.reviewers[1].ID, rd.reviewers[2].ID}})
	if err != nil {
		return fmt.Errorf("demo: calibration: %w", err)
	}
	at := start.AddDate(0, 0, 9)
	for i, reviewer := range rd.reviewers {
		rctx := as(ctx, reviewer)
		rv, err := rd.q.CreateReview(rctx, reviewer, quality.NewReview{CalibrationID: c.ID})
		if err != nil {
			return fmt.Errorf("demo: calibration review: %w", err)
		}
		// The same ticket, three pairs of eyes: one reviewer is stricter.
		ratings, err := rd.marks(ctx, ticketID, 4.2-float64(i%2)*0.9, 0.4)
		if err != nil {
			return err
		}
		if _, err := rd.q.UpdateReview(rctx, reviewer, rv.ID, quality.ReviewPatch{Ratings: ratings}); err != nil {
			return fmt.Errorf("demo: calibration rate: %w", err)
		}
		if _, err := rd.q.SubmitReview(rctx, reviewer, rv.ID); err != nil {
			return fmt.Errorf("demo: calibration submit: %w", err)
		}
		when := at.Add(time.Duration(i+1) * time.Hour)
		if err := rd.date(ctx, `UPDATE reviews SET created_at = $1, updated_at = $1, submitted_at = $1 WHERE id = $2`,
			when, rv.ID); err != nil {
			return err
		}
		if err := rd.dateEvent(ctx, quality.EventReviewSubmitted, when); err != nil {
			return err
		}
	}
	return rd.date(ctx, `UPDATE calibration_sessions SET created_at = $1, closed_at = $2 WHERE id = $3`,
		at, at.Add(3*time.Hour), c.ID)
}
