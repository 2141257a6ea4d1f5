package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Look-ups the review pages need beside the programme's own operations:
// why a queued ticket was drawn, which calibration sessions one may open,
// and the dispute of a review.

// PeriodSignals returns the signals of the tickets solved in a period,
// by ticket id, so a queue can say why a ticket needed a look. Tickets
// with no signal at all are left out.
func (s *Service) PeriodSignals(ctx context.Context, who *user.User, periodID int64) (map[int64]Signals, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	p, err := getPeriod(ctx, q, periodID)
	if err != nil {
		return nil, err
	}
	sig, err := loadSignals(ctx, q, p)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Signals, len(sig))
	for id, v := range sig {
		out[id] = *v
	}
	return out, nil
}

// CalibrationSummary is one line of the list of calibration sessions.
type CalibrationSummary struct {
	ID          int64         `json:"id"`
	TicketID    int64         `json:"ticket_id"`
	ScorecardID int64         `json:"scorecard_id"`
	Status      SessionStatus `json:"status"`
	CreatedAt   time.Time     `json:"created_at"`
	Reviewers   int           `json:"reviewers"`
	Submitted   int           `json:"submitted"`
	// Mine says whether the caller is one of its reviewers.
	Mine bool `json:"mine"`
}

// Calibrations lists the sessions who may open, newest first: every one
// for leads, those they review in for anyone else.
func (s *Service) Calibrations(ctx context.Context, who *user.User) ([]CalibrationSummary, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	all := int64(0)
	if who.IsLead() {
		all = 1
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT s.id, s.ticket_id, s.scorecard_id, s.status, s.created_at,
		(SELECT COUNT(*) FROM calibration_participants p WHERE p.session_id = s.id),
		(SELECT COUNT(*) FROM reviews r WHERE r.calibration_id = s.id AND r.status = 'submitted'),
		EXISTS (SELECT 1 FROM calibration_participants p WHERE p.session_id = s.id AND p.reviewer_id = $1)
		FROM calibration_sessions s
		WHERE CAST($2 AS BIGINT) = 1 OR EXISTS (SELECT 1 FROM calibration_participants p
			WHERE p.session_id = s.id AND p.reviewer_id = $1)
		ORDER BY s.id DESC LIMIT 200`, who.ID, all)
	if err != nil {
		return nil, fmt.Errorf("quality: list calibrations: %w", err)
	}
	defer rows.Close()
	out := []CalibrationSummary{}
	for rows.Next() {
		var c CalibrationSummary
		var status string
		if err := rows.Scan(&c.ID, &c.TicketID, &c.ScorecardID, &status, db.ScanTime(&c.CreatedAt),
			&c.Reviewers, &c.Submitted, &c.Mine); err != nil {
			return nil, fmt.Errorf("quality: scan calibration: %w", err)
		}
		c.Status = SessionStatus(status)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReviewDispute returns the dispute of a review, to the reviewed agent and
// to leads. It returns (nil, nil) by design when the review has none or who
// may not see it: most reviews have no dispute, and pages show none.
func (s *Service) ReviewDispute(ctx context.Context, who *user.User, reviewID int64) (*Dispute, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	d, err := scanDispute(q.QueryRowContext(ctx, `SELECT `+disputeColumns+` FROM review_disputes
		WHERE review_id = $1`, reviewID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("quality: dispute of review %d: %w", reviewID, err)
	}
	if d.AgentID != who.ID && !who.IsLead() {
		return nil, nil
	}
	return d, nil
}

// DraftOf returns the id of who's draft review of a ticket (from their
// queue or ad hoc), or 0, so that "review this ticket" reopens it.
func (s *Service) DraftOf(ctx context.Context, who *user.User, ticketID int64) (int64, error) {
	if err := requireUser(who); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT id FROM reviews WHERE reviewer_id = $1 AND ticket_id = $2
		AND status = 'draft' AND calibration_id IS NULL ORDER BY id DESC LIMIT 1`, who.ID, ticketID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("quality: draft of ticket %d: %w", ticketID, err)
	}
	return id, nil
}

// errNoReviewOf is what a reviewer who is neither a lead nor queued for a
// ticket hears when asking to review it.
var errNoReviewOf = apperr.Forbidden("this ticket is not in your review queue")

// AssignmentOf returns who's open queue item for a ticket (the latest
// period's), so that a review can start from the ticket page.
func (s *Service) AssignmentOf(ctx context.Context, who *user.User, ticketID int64) (int64, error) {
	q, err := s.Queue(ctx, who, 0)
	if err != nil {
		return 0, err
	}
	for i := len(q) - 1; i >= 0; i-- {
		if q[i].TicketID == ticketID {
			return q[i].ID, nil
		}
	}
	if who.IsLead() {
		return 0, nil
	}
	return 0, errNoReviewOf
}
