package quality

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// ReviewFilter narrows a listing of reviews; zero fields do not filter.
type ReviewFilter struct {
	AgentID    int64
	ReviewerID int64
	PeriodID   int64
	Status     ReviewStatus
	Limit      int
}

// Limits on listings.
const (
	DefaultReviewLimit = 100
	MaxReviewLimit     = 500
)

// Review returns a review who may read (see canRead).
func (s *Service) Review(ctx context.Context, who *user.User, id int64) (*Review, error) {
	return s.readable(ctx, s.db.Reader(ctx), who, id)
}

// Reviews lists the reviews who may read that match f, newest first.
func (s *Service) Reviews(ctx context.Context, who *user.User, f ReviewFilter) ([]*Review, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	switch f.Status {
	case "", StatusDraft, StatusSubmitted, StatusVoided:
	default:
		return nil, apperr.Invalid("status", "must be draft, submitted or voided")
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultReviewLimit
	case f.Limit < 0 || f.Limit > MaxReviewLimit:
		return nil, apperr.Invalid("limit", "must be between 1 and %d", MaxReviewLimit)
	}
	q := s.db.Reader(ctx)
	// The query narrows; canRead decides. Without the wider setting a user
	// can only read reviews they are named in, so fetch only those.
	mine := int64(0)
	if !who.IsLead() {
		wide, err := reviewsVisibleToAgents(ctx, q)
		if err != nil {
			return nil, err
		}
		if !wide {
			mine = who.ID
		}
	}
	// Read in batches newest first until limit readable reviews are found,
	// so a long history is not read whole.
	out := []*Review{}
	before := int64(math.MaxInt64)
	for len(out) < f.Limit {
		batch, err := reviewBatch(ctx, q, f, mine, before)
		if err != nil {
			return nil, err
		}
		for _, r := range batch {
			if len(out) == f.Limit {
				break
			}
			ok, err := canRead(ctx, q, who, r)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if r.Ratings, err = listRatings(ctx, q, r.ID); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if len(batch) < f.Limit {
			break
		}
		before = batch[len(batch)-1].ID
	}
	return out, nil
}

// reviewBatch returns up to f.Limit reviews matching f with ids below
// before, newest first. mine, when set, keeps only reviews that user is
// named in (canRead decides the rest).
func reviewBatch(ctx context.Context, q db.Queryer, f ReviewFilter, mine, before int64) ([]*Review, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reviewColumns+` FROM reviews
		WHERE id < $1 AND (CAST($2 AS BIGINT) = 0 OR agent_id = $2)
		AND (CAST($3 AS BIGINT) = 0 OR reviewer_id = $3) AND (CAST($4 AS BIGINT) = 0 OR period_id = $4)
		AND ($5 = '' OR status = $5)
		AND (CAST($6 AS BIGINT) = 0 OR reviewer_id = $6 OR agent_id = $6 OR calibration_id IS NOT NULL)
		ORDER BY id DESC LIMIT $7`, before, f.AgentID, f.ReviewerID, f.PeriodID, string(f.Status), mine, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("quality: list reviews: %w", err)
	}
	defer rows.Close()
	var out []*Review
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, fmt.Errorf("quality: scan review: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AcknowledgeReview records that the reviewed agent has read a submitted
// review. Acknowledging twice changes nothing.
func (s *Service) AcknowledgeReview(ctx context.Context, who *user.User, id int64) (*Review, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var out *Review
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := s.reviewedAgentsReview(ctx, tx, who, id)
		if err != nil {
			return err
		}
		if r.AcknowledgedAt == nil {
			now := s.now()
			r.AcknowledgedAt, r.UpdatedAt = &now, now
			if err := saveReview(ctx, tx, r); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reviewedAgentsReview returns a submitted review of who's work, for the
// agent's own answers to it (acknowledge, dispute).
func (s *Service) reviewedAgentsReview(ctx context.Context, tx *sql.Tx, who *user.User, id int64) (*Review, error) {
	r, err := s.readable(ctx, tx, who, id)
	if err != nil {
		return nil, err
	}
	if !r.answeredBy(who) {
		return nil, apperr.Forbidden("only the reviewed agent may answer a review")
	}
	if r.Status != StatusSubmitted {
		return nil, apperr.Conflict("status", "the review is %s", r.Status)
	}
	return r, nil
}

// MayAnswer reports whether who may acknowledge or dispute r: the reviewed
// agent, once r is submitted, and never a calibration review (the exercise
// is the reviewers'). AcknowledgeReview and DisputeReview enforce it.
func (r *Review) MayAnswer(who *user.User) bool {
	return r.answeredBy(who) && r.Status == StatusSubmitted
}

func (r *Review) answeredBy(who *user.User) bool {
	return who != nil && r.AgentID == who.ID && r.CalibrationID == nil
}
