package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/user"
)

// DisputeStatus is where a dispute stands.
type DisputeStatus string

// The statuses of a dispute and the outcomes a lead may choose.
const (
	DisputeOpen           DisputeStatus = "open"
	DisputeAccepted       DisputeStatus = "accepted"        // the review is voided
	DisputePartlyAccepted DisputeStatus = "partly_accepted" // the lead corrects ratings
	DisputeRejected       DisputeStatus = "rejected"        // the review stands
)

// Dispute is an agent's objection to a review of their work.
type Dispute struct {
	ID         int64         `json:"id"`
	ReviewID   int64         `json:"review_id"`
	AgentID    int64         `json:"agent_id"`
	Reason     string        `json:"reason"`
	Status     DisputeStatus `json:"status"`
	Note       string        `json:"note"`
	ResolvedBy *int64        `json:"resolved_by"`
	ResolvedAt *time.Time    `json:"resolved_at"`
	CreatedAt  time.Time     `json:"created_at"`
}

// NewDispute is the agent's reason to dispute a review.
type NewDispute struct {
	Reason string `json:"reason"`
}

// Resolution is a lead's answer to a dispute. Ratings, for
// partly_accepted, replace the review's ratings of their categories.
type Resolution struct {
	Outcome DisputeStatus `json:"outcome"`
	Note    string        `json:"note"`
	Ratings []Rating      `json:"ratings"`
}

// DisputeReview lets the reviewed agent dispute a submitted review, once.
func (s *Service) DisputeReview(ctx context.Context, who *user.User, reviewID int64, in NewDispute) (*Dispute, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	reason, err := apperr.CheckText("reason", in.Reason, MaxComment, true)
	if err != nil {
		return nil, err
	}
	d := &Dispute{ReviewID: reviewID, AgentID: who.ID, Reason: reason, Status: DisputeOpen, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockRow(ctx, tx, "reviews", reviewID); err != nil {
			return err
		}
		r, err := s.reviewedAgentsReview(ctx, tx, who, reviewID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_disputes WHERE review_id = $1`,
			reviewID).Scan(&n); err != nil {
			return fmt.Errorf("quality: count disputes: %w", err)
		}
		if n > 0 {
			return apperr.Conflict("review_id", "this review has already been disputed")
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO review_disputes (review_id, agent_id, reason, status, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, d.ReviewID, d.AgentID, d.Reason, string(d.Status),
			db.Time(d.CreatedAt)).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("quality: insert dispute: %w", err)
		}
		return events.Append(ctx, tx, &events.Event{TicketID: r.TicketID, Type: EventReviewDisputed,
			Data: map[string]any{"review_id": r.ID, "dispute_id": d.ID, "agent_id": r.AgentID}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// MayResolve reports whether who may resolve d: a lead, while d is open.
// ResolveDispute enforces it.
func (d *Dispute) MayResolve(who *user.User) bool {
	return who != nil && who.IsLead() && d.Status == DisputeOpen
}

// ResolveDispute is a lead's answer: accept (the review is voided and its
// score set aside), partly accept (the lead corrects ratings and the score
// is computed again) or reject (the review stands).
func (s *Service) ResolveDispute(ctx context.Context, who *user.User, id int64, in Resolution) (*Dispute, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	note, err := apperr.CheckText("note", in.Note, MaxComment, false)
	if err != nil {
		return nil, err
	}
	switch in.Outcome {
	case DisputeAccepted, DisputeRejected:
		if len(in.Ratings) > 0 {
			return nil, apperr.Invalid("ratings", "only a partly_accepted dispute changes ratings")
		}
	case DisputePartlyAccepted:
		if len(in.Ratings) == 0 {
			return nil, apperr.Invalid("ratings", "give the corrected ratings")
		}
	default:
		return nil, apperr.Invalid("outcome", "must be accepted, partly_accepted or rejected")
	}
	var d *Dispute
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockRow(ctx, tx, "review_disputes", id); err != nil {
			return err
		}
		if d, err = getDispute(ctx, tx, id); err != nil {
			return err
		}
		if d.Status != DisputeOpen {
			return apperr.Conflict("status", "the dispute is already %s", d.Status)
		}
		r, err := getReview(ctx, tx, d.ReviewID)
		if err != nil {
			return err
		}
		if err := s.applyOutcome(ctx, tx, r, in); err != nil {
			return err
		}
		now := s.now()
		d.Status, d.Note, d.ResolvedBy, d.ResolvedAt = in.Outcome, note, &who.ID, &now
		if _, err := tx.ExecContext(ctx, `UPDATE review_disputes SET status = $1, note = $2, resolved_by = $3,
			resolved_at = $4 WHERE id = $5`, string(d.Status), d.Note, who.ID, db.Time(now), d.ID); err != nil {
			return fmt.Errorf("quality: resolve dispute %d: %w", id, err)
		}
		return events.Append(ctx, tx, &events.Event{TicketID: r.TicketID, Type: EventDisputeResolved,
			Data: map[string]any{"review_id": r.ID, "dispute_id": d.ID, "agent_id": r.AgentID,
				"outcome": string(d.Status)}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// applyOutcome changes the review as the outcome says.
func (s *Service) applyOutcome(ctx context.Context, tx *sql.Tx, r *Review, in Resolution) error {
	switch in.Outcome {
	case DisputeAccepted:
		r.Status = StatusVoided
	case DisputePartlyAccepted:
		if err := s.putRatings(ctx, tx, r, in.Ratings, true); err != nil {
			return err
		}
		var err error
		if r.Ratings, err = listRatings(ctx, tx, r.ID); err != nil {
			return err
		}
		if err := s.score(ctx, tx, r); err != nil {
			return err
		}
	default:
		return nil
	}
	r.UpdatedAt = s.now()
	return saveReview(ctx, tx, r)
}

const disputeColumns = `id, review_id, agent_id, reason, status, note, resolved_by, resolved_at, created_at`

func scanDispute(row scanner) (*Dispute, error) {
	var d Dispute
	var status string
	err := row.Scan(&d.ID, &d.ReviewID, &d.AgentID, &d.Reason, &status, &d.Note, &d.ResolvedBy,
		db.ScanNullTime(&d.ResolvedAt), db.ScanTime(&d.CreatedAt))
	d.Status = DisputeStatus(status)
	return &d, err
}

func getDispute(ctx context.Context, q db.Queryer, id int64) (*Dispute, error) {
	d, err := scanDispute(q.QueryRowContext(ctx, `SELECT `+disputeColumns+` FROM review_disputes WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("dispute")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get dispute %d: %w", id, err)
	}
	return d, nil
}

// Disputes lists disputes, newest first: every one for leads, their own
// for agents. status "" lists every status.
func (s *Service) Disputes(ctx context.Context, who *user.User, status DisputeStatus) ([]*Dispute, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	switch status {
	case "", DisputeOpen, DisputeAccepted, DisputePartlyAccepted, DisputeRejected:
	default:
		return nil, apperr.Invalid("status", "must be open, accepted, partly_accepted or rejected")
	}
	mine := who.ID
	if who.IsLead() {
		mine = 0
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+disputeColumns+` FROM review_disputes
		WHERE ($1 = '' OR status = $1) AND (CAST($2 AS BIGINT) = 0 OR agent_id = $2) ORDER BY id DESC LIMIT 500`,
		string(status), mine)
	if err != nil {
		return nil, fmt.Errorf("quality: list disputes: %w", err)
	}
	defer rows.Close()
	var out []*Dispute
	for rows.Next() {
		d, err := scanDispute(rows)
		if err != nil {
			return nil, fmt.Errorf("quality: scan dispute: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
