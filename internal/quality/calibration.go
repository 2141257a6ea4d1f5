package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// SessionStatus is where a calibration session stands.
type SessionStatus string

// A session is open while its reviewers score, each blind to the others;
// once closed, they see every score and how far they were apart.
const (
	SessionOpen   SessionStatus = "open"
	SessionClosed SessionStatus = "closed"
)

// Calibration is a session in which several reviewers score the same ticket
// so that they learn to score alike.
type Calibration struct {
	ID           int64         `json:"id"`
	TicketID     int64         `json:"ticket_id"`
	ScorecardID  int64         `json:"scorecard_id"`
	Status       SessionStatus `json:"status"`
	CreatedBy    *int64        `json:"created_by"`
	CreatedAt    time.Time     `json:"created_at"`
	ClosedAt     *time.Time    `json:"closed_at"`
	Participants []Participant `json:"participants"`
	// Reviews the caller may see: their own while the session is open,
	// every submitted one once it has closed.
	Reviews []*Review `json:"reviews"`
	// Differences per category, once the session has closed.
	Differences []CategoryDifference `json:"differences,omitempty"`
}

// Participant is one reviewer of a session.
type Participant struct {
	ReviewerID int64    `json:"reviewer_id"`
	Submitted  bool     `json:"submitted"`
	Agreement  *float64 `json:"agreement"` // 0-100, once the session has closed
}

// CategoryDifference shows how a session's reviewers rated one category,
// normalised to 0-100.
type CategoryDifference struct {
	CategoryID int64             `json:"category_id"`
	Name       string            `json:"name"`
	Mean       *float64          `json:"mean"`
	Spread     float64           `json:"spread"`  // highest minus lowest
	Ratings    map[int64]float64 `json:"ratings"` // by reviewer; not applicable is left out
}

// NewCalibration opens a session on a ticket for two or more reviewers.
type NewCalibration struct {
	TicketID    int64   `json:"ticket_id"`
	ScorecardID int64   `json:"scorecard_id"`
	ReviewerIDs []int64 `json:"reviewer_ids"`
}

// CreateCalibration opens a session; leads only.
func (s *Service) CreateCalibration(ctx context.Context, who *user.User, in NewCalibration) (*Calibration, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	if in.TicketID <= 0 {
		return nil, apperr.Invalid("ticket_id", "is required")
	}
	reviewers := slices.Compact(slices.Sorted(slices.Values(in.ReviewerIDs)))
	if len(reviewers) < 2 || len(reviewers) > 20 {
		return nil, apperr.Invalid("reviewer_ids", "name between 2 and 20 reviewers")
	}
	c := &Calibration{TicketID: in.TicketID, Status: SessionOpen, CreatedBy: &who.ID, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		agent, err := ticket.AssigneeOf(ctx, tx, in.TicketID)
		if err != nil {
			return err
		}
		if agent == 0 {
			return apperr.Unprocessable("ticket_id", "ticket %d is not assigned to anyone to review", in.TicketID)
		}
		for _, r := range reviewers {
			if r == agent {
				return apperr.Unprocessable("reviewer_ids", "user %d worked the ticket and cannot review it", r)
			}
			if err := user.CheckActive(ctx, tx, "reviewer_ids", r); err != nil {
				return err
			}
		}
		if c.ScorecardID, err = pickScorecard(ctx, tx, in.ScorecardID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO calibration_sessions (ticket_id, scorecard_id, status, created_by,
			created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.TicketID, c.ScorecardID, string(c.Status),
			who.ID, db.Time(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("quality: insert calibration: %w", err)
		}
		for _, r := range reviewers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calibration_participants (session_id, reviewer_id)
				VALUES ($1, $2)`, c.ID, r); err != nil {
				return fmt.Errorf("quality: add participant: %w", err)
			}
			c.Participants = append(c.Participants, Participant{ReviewerID: r})
		}
		return audit.Record(ctx, tx, "calibration.created", "calibration", c.ID,
			map[string]any{"ticket_id": c.TicketID, "reviewer_ids": reviewers})
	})
	if err != nil {
		return nil, err
	}
	c.Reviews = []*Review{}
	return c, nil
}

func (c *Calibration) hasParticipant(id int64) bool {
	return slices.ContainsFunc(c.Participants, func(p Participant) bool { return p.ReviewerID == id })
}

func getSession(ctx context.Context, q db.Queryer, id int64) (*Calibration, error) {
	var c Calibration
	var status string
	err := q.QueryRowContext(ctx, `SELECT id, ticket_id, scorecard_id, status, created_by, created_at, closed_at
		FROM calibration_sessions WHERE id = $1`, id).Scan(&c.ID, &c.TicketID, &c.ScorecardID, &status,
		&c.CreatedBy, db.ScanTime(&c.CreatedAt), db.ScanNullTime(&c.ClosedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("calibration session")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get calibration %d: %w", id, err)
	}
	c.Status = SessionStatus(status)
	rows, err := q.QueryContext(ctx, `SELECT p.reviewer_id, p.agreement, EXISTS (SELECT 1 FROM reviews r
		WHERE r.calibration_id = p.session_id AND r.reviewer_id = p.reviewer_id AND r.status = 'submitted')
		FROM calibration_participants p WHERE p.session_id = $1 ORDER BY p.reviewer_id`, id)
	if err != nil {
		return nil, fmt.Errorf("quality: participants of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p Participant
		if err := rows.Scan(&p.ReviewerID, &p.Agreement, &p.Submitted); err != nil {
			return nil, fmt.Errorf("quality: scan participant: %w", err)
		}
		c.Participants = append(c.Participants, p)
	}
	return &c, rows.Err()
}

// Calibration returns a session to a lead or one of its reviewers, with
// the reviews they may see.
func (s *Service) Calibration(ctx context.Context, who *user.User, id int64) (*Calibration, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	c, err := getSession(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !who.IsLead() && !c.hasParticipant(who.ID) {
		return nil, apperr.NotFound("calibration session")
	}
	reviews, err := sessionReviews(ctx, q, id)
	if err != nil {
		return nil, err
	}
	c.Reviews = []*Review{}
	for _, r := range reviews {
		// canRead keeps the session blind while it is open.
		if ok, err := canRead(ctx, q, who, r); err != nil {
			return nil, err
		} else if ok {
			c.Reviews = append(c.Reviews, r)
		}
	}
	if c.Status == SessionClosed {
		sc, err := getScorecard(ctx, q, c.ScorecardID)
		if err != nil {
			return nil, err
		}
		c.Differences = differences(sc.Categories, submittedRatings(reviews))
	}
	return c, nil
}

func sessionReviews(ctx context.Context, q db.Queryer, sessionID int64) ([]*Review, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE calibration_id = $1
		ORDER BY reviewer_id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("quality: calibration reviews: %w", err)
	}
	var out []*Review
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("quality: scan review: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		if r.Ratings, err = listRatings(ctx, q, r.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// submittedRatings indexes the submitted reviews' ratings by reviewer, then
// category.
func submittedRatings(reviews []*Review) map[int64]map[int64]Rating {
	out := map[int64]map[int64]Rating{}
	for _, r := range reviews {
		if r.Status != StatusSubmitted {
			continue
		}
		out[r.ReviewerID] = map[int64]Rating{}
		for _, rt := range r.Ratings {
			out[r.ReviewerID][rt.CategoryID] = rt
		}
	}
	return out
}

// CloseCalibration ends a session before every reviewer has submitted;
// leads only. Drafts stay drafts and count for nothing.
func (s *Service) CloseCalibration(ctx context.Context, who *user.User, id int64) (*Calibration, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockRow(ctx, tx, "calibration_sessions", id); err != nil {
			return err
		}
		c, err := getSession(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Status == SessionClosed {
			return apperr.Conflict("status", "the session is already closed")
		}
		return s.closeSession(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return s.Calibration(ctx, who, id)
}

// closeIfComplete closes a session once all its reviewers have submitted.
func (s *Service) closeIfComplete(ctx context.Context, tx *sql.Tx, id int64) error {
	c, err := getSession(ctx, tx, id)
	if err != nil {
		return err
	}
	for _, p := range c.Participants {
		if !p.Submitted {
			return nil
		}
	}
	return s.closeSession(ctx, tx, c)
}

// closeSession records each reviewer's agreement and closes the session.
func (s *Service) closeSession(ctx context.Context, tx *sql.Tx, c *Calibration) error {
	reviews, err := sessionReviews(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	sc, err := getScorecard(ctx, tx, c.ScorecardID)
	if err != nil {
		return err
	}
	agreement := Agreement(sc.Categories, submittedRatings(reviews))
	for reviewer, a := range agreement {
		if _, err := tx.ExecContext(ctx, `UPDATE calibration_participants SET agreement = $1
			WHERE session_id = $2 AND reviewer_id = $3`, a, c.ID, reviewer); err != nil {
			return fmt.Errorf("quality: set agreement: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE calibration_sessions SET status = 'closed', closed_at = $1 WHERE id = $2`,
		db.Time(s.now()), c.ID)
	if err != nil {
		return fmt.Errorf("quality: close calibration %d: %w", c.ID, err)
	}
	return audit.Record(ctx, tx, "calibration.closed", "calibration", c.ID, map[string]any{"agreement": agreement})
}

// ReviewerAgreement is a reviewer's mean agreement over closed sessions.
type ReviewerAgreement struct {
	ReviewerID int64   `json:"reviewer_id"`
	Sessions   int     `json:"sessions"`
	Agreement  float64 `json:"agreement"`
}

// Agreements lists every reviewer's mean agreement; leads only.
func (s *Service) Agreements(ctx context.Context, who *user.User) ([]ReviewerAgreement, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT reviewer_id, COUNT(*), AVG(agreement)
		FROM calibration_participants WHERE agreement IS NOT NULL GROUP BY reviewer_id ORDER BY reviewer_id`)
	if err != nil {
		return nil, fmt.Errorf("quality: agreements: %w", err)
	}
	defer rows.Close()
	out := []ReviewerAgreement{}
	for rows.Next() {
		var a ReviewerAgreement
		if err := rows.Scan(&a.ReviewerID, &a.Sessions, &a.Agreement); err != nil {
			return nil, fmt.Errorf("quality: scan agreement: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
