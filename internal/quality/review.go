package quality

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// ReviewStatus is where a review stands.
type ReviewStatus string

// The statuses: a reviewer's draft, submitted (the agent sees it), and
// voided (a lead accepted the agent's dispute; its score is set aside).
const (
	StatusDraft     ReviewStatus = "draft"
	StatusSubmitted ReviewStatus = "submitted"
	StatusVoided    ReviewStatus = "voided"
)

// Events the quality programme appends to a ticket's log, for the badges
// and the recognition feed to follow.
const (
	EventReviewSubmitted = "review.submitted"
	EventReviewDisputed  = "review.disputed"
	EventDisputeResolved = "dispute.resolved"
)

// Review is one reviewer's scoring of one ticket against a scorecard.
type Review struct {
	ID             int64        `json:"id"`
	TicketID       int64        `json:"ticket_id"`
	AgentID        int64        `json:"agent_id"`
	ReviewerID     int64        `json:"reviewer_id"`
	ScorecardID    int64        `json:"scorecard_id"`
	PeriodID       *int64       `json:"period_id"`
	AssignmentID   *int64       `json:"assignment_id"`
	CalibrationID  *int64       `json:"calibration_id"`
	Status         ReviewStatus `json:"status"`
	Score          *float64     `json:"score"`
	Comment        string       `json:"comment"`
	Ratings        []Rating     `json:"ratings"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	SubmittedAt    *time.Time   `json:"submitted_at"`
	AcknowledgedAt *time.Time   `json:"acknowledged_at"`
}

// NewReview starts a review. Give an assignment from your queue, or a
// calibration session you take part in, or (leads) a ticket and optionally
// a scorecard (the newest by default).
type NewReview struct {
	AssignmentID  int64 `json:"assignment_id"`
	CalibrationID int64 `json:"calibration_id"`
	TicketID      int64 `json:"ticket_id"`
	ScorecardID   int64 `json:"scorecard_id"`
}

// ReviewPatch changes a draft: its overall comment and the ratings given
// (each replaces that category's rating).
type ReviewPatch struct {
	Comment *string  `json:"comment"`
	Ratings []Rating `json:"ratings"`
}

// Limits on reviews.
const (
	MaxComment    = 4000
	MaxMessageIDs = 20
)

// CreateReview starts a draft review by who.
func (s *Service) CreateReview(ctx context.Context, who *user.User, in NewReview) (*Review, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var out *Review
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := s.reviewTarget(ctx, tx, who, in)
		if err != nil {
			return err
		}
		if r.AgentID == who.ID {
			return apperr.Unprocessable("ticket_id", "nobody reviews their own tickets")
		}
		r.ReviewerID, r.Status = who.ID, StatusDraft
		r.CreatedAt, r.UpdatedAt = s.now(), s.now()
		if err := insertReview(ctx, tx, r); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Ratings = []Rating{}
	return out, nil
}

// reviewTarget works out what a new review is of: ticket, agent, scorecard,
// period, from whichever of the three ways in says.
func (s *Service) reviewTarget(ctx context.Context, tx *sql.Tx, who *user.User, in NewReview) (*Review, error) {
	r := &Review{}
	switch {
	case in.AssignmentID != 0:
		var periodID int64
		err := tx.QueryRowContext(ctx, `SELECT a.ticket_id, a.agent_id, a.period_id, p.scorecard_id
			FROM review_assignments a JOIN review_periods p ON p.id = a.period_id
			WHERE a.id = $1 AND a.reviewer_id = $2`, in.AssignmentID, who.ID).
			Scan(&r.TicketID, &r.AgentID, &periodID, &r.ScorecardID)
		if err == sql.ErrNoRows {
			return nil, apperr.Unprocessable("assignment_id", "no assignment %d in your queue", in.AssignmentID)
		}
		if err != nil {
			return nil, fmt.Errorf("quality: assignment %d: %w", in.AssignmentID, err)
		}
		r.AssignmentID, r.PeriodID = &in.AssignmentID, &periodID
		return r, nil
	case in.CalibrationID != 0:
		c, err := getSession(ctx, tx, in.CalibrationID)
		if err != nil {
			return nil, err
		}
		if !c.hasParticipant(who.ID) {
			return nil, apperr.Unprocessable("calibration_id", "you are not a reviewer in calibration session %d", c.ID)
		}
		if c.Status != SessionOpen {
			return nil, apperr.Conflict("calibration_id", "calibration session %d is closed", c.ID)
		}
		agent, err := ticket.AssigneeOf(ctx, tx, c.TicketID)
		if err != nil {
			return nil, err
		}
		r.TicketID, r.AgentID, r.ScorecardID, r.CalibrationID = c.TicketID, agent, c.ScorecardID, &c.ID
		return r, nil
	}
	if !who.IsLead() {
		return nil, apperr.Forbidden("review tickets from your queue (assignment_id) or a calibration session")
	}
	if in.TicketID == 0 {
		return nil, apperr.Invalid("ticket_id", "is required (or assignment_id, or calibration_id)")
	}
	agent, err := ticket.AssigneeOf(ctx, tx, in.TicketID)
	if err != nil {
		return nil, err
	}
	if agent == 0 {
		return nil, apperr.Unprocessable("ticket_id", "ticket %d is not assigned to anyone to review", in.TicketID)
	}
	if r.ScorecardID, err = pickScorecard(ctx, tx, in.ScorecardID); err != nil {
		return nil, err
	}
	r.TicketID, r.AgentID = in.TicketID, agent
	return r, nil
}

// UpdateReview changes a draft; only its reviewer may.
func (s *Service) UpdateReview(ctx context.Context, who *user.User, id int64, p ReviewPatch) (*Review, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var out *Review
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockRow(ctx, tx, "reviews", id); err != nil {
			return err
		}
		r, err := s.ownDraft(ctx, tx, who, id)
		if err != nil {
			return err
		}
		if p.Comment != nil {
			if r.Comment, err = apperr.CheckText("comment", *p.Comment, MaxComment, false); err != nil {
				return err
			}
		}
		if err := s.putRatings(ctx, tx, r, p.Ratings, false); err != nil {
			return err
		}
		r.UpdatedAt = s.now()
		if err := saveReview(ctx, tx, r); err != nil {
			return err
		}
		out, err = getReview(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ownDraft returns a review that who wrote and may still change.
func (s *Service) ownDraft(ctx context.Context, tx *sql.Tx, who *user.User, id int64) (*Review, error) {
	r, err := s.readable(ctx, tx, who, id)
	if err != nil {
		return nil, err
	}
	if r.ReviewerID != who.ID {
		return nil, apperr.Forbidden("only the reviewer may change a review")
	}
	if r.Status != StatusDraft {
		return nil, apperr.Conflict("status", "the review is %s; only drafts change", r.Status)
	}
	return r, nil
}

// putRatings checks ratings against the review's scorecard and stores
// them. complete says each must be a full mark (a lead's correction);
// a draft may hold a comment before its rating.
func (s *Service) putRatings(ctx context.Context, tx *sql.Tx, r *Review, ratings []Rating, complete bool) error {
	if len(ratings) == 0 {
		return nil
	}
	sc, err := getScorecard(ctx, tx, r.ScorecardID)
	if err != nil {
		return err
	}
	cats := map[int64]Category{}
	for _, c := range sc.Categories {
		cats[c.ID] = c
	}
	for i := range ratings {
		rt := &ratings[i]
		c, ok := cats[rt.CategoryID]
		if !ok {
			return apperr.Invalid("ratings", "category %d is not on this review's scorecard", rt.CategoryID)
		}
		if err := checkPartial(c, *rt, complete); err != nil {
			return err
		}
		if rt.Comment, err = apperr.CheckText("ratings", rt.Comment, MaxComment, false); err != nil {
			return err
		}
		if err := checkMessages(ctx, tx, r.TicketID, rt.MessageIDs); err != nil {
			return err
		}
		if err := putRating(ctx, tx, r.ID, *rt); err != nil {
			return err
		}
	}
	return nil
}

// checkPartial checks a rating that may still lack its mark.
func checkPartial(c Category, r Rating, complete bool) error {
	if complete || r.NotApplicable || r.Rating != nil {
		return checkRating(c, r)
	}
	return nil
}

// checkMessages checks that the messages a comment points at are the
// ticket's own.
func checkMessages(ctx context.Context, tx *sql.Tx, ticketID int64, ids []int64) error {
	if len(ids) > MaxMessageIDs {
		return apperr.Invalid("message_ids", "at most %d messages", MaxMessageIDs)
	}
	for _, id := range ids {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE id = $1 AND ticket_id = $2`,
			id, ticketID).Scan(&n)
		if err != nil {
			return fmt.Errorf("quality: check message %d: %w", id, err)
		}
		if n == 0 {
			return apperr.Unprocessable("message_ids", "message %d is not on ticket %d", id, ticketID)
		}
	}
	return nil
}

// SubmitReview completes a draft: every category must be rated or marked
// not applicable. The agent then sees it, and review.submitted is appended
// to the ticket's events.
func (s *Service) SubmitReview(ctx context.Context, who *user.User, id int64) (*Review, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var out *Review
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockRow(ctx, tx, "reviews", id); err != nil {
			return err
		}
		r, err := s.ownDraft(ctx, tx, who, id)
		if err != nil {
			return err
		}
		if r.CalibrationID != nil {
			// One submission at a time per session, so the last one sees
			// every other and closes it.
			if err := lockRow(ctx, tx, "calibration_sessions", *r.CalibrationID); err != nil {
				return err
			}
			c, err := getSession(ctx, tx, *r.CalibrationID)
			if err != nil {
				return err
			}
			if c.Status != SessionOpen {
				return apperr.Conflict("calibration_id", "the calibration session is closed")
			}
		}
		if err := s.score(ctx, tx, r); err != nil {
			return err
		}
		now := s.now()
		r.Status, r.SubmittedAt, r.UpdatedAt = StatusSubmitted, &now, now
		if err := saveReview(ctx, tx, r); err != nil {
			return err
		}
		if err := events.Append(ctx, tx, &events.Event{TicketID: r.TicketID, Type: EventReviewSubmitted,
			Data: reviewEventData(r)}); err != nil {
			return err
		}
		if r.CalibrationID != nil {
			if err := s.closeIfComplete(ctx, tx, *r.CalibrationID); err != nil {
				return err
			}
		}
		if err := s.runSubmitHooks(ctx, tx, r); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// score checks that r is completely rated and sets its score.
func (s *Service) score(ctx context.Context, tx *sql.Tx, r *Review) error {
	sc, err := getScorecard(ctx, tx, r.ScorecardID)
	if err != nil {
		return err
	}
	byCat := map[int64]Rating{}
	for _, rt := range r.Ratings {
		byCat[rt.CategoryID] = rt
	}
	for _, c := range sc.Categories {
		rt, ok := byCat[c.ID]
		if !ok {
			return apperr.Invalid("ratings", "%s: rating is required (or mark it not_applicable)", c.Name)
		}
		if err := checkRating(c, rt); err != nil {
			return err
		}
	}
	r.Score = nil
	if v, ok := Score(sc.Categories, byCat); ok {
		r.Score = &v
	}
	return nil
}

// reviewEventData names the review and no more: a ticket's events are
// readable by everyone who can read the ticket, while scores follow
// canRead, so consumers (badges, the feed) load the review by its id.
func reviewEventData(r *Review) map[string]any {
	return map[string]any{"review_id": r.ID, "agent_id": r.AgentID, "calibration": r.CalibrationID != nil}
}
