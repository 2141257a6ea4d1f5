package quality

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const reviewColumns = `id, ticket_id, agent_id, reviewer_id, scorecard_id, period_id, assignment_id,
	calibration_id, status, score, comment, created_at, updated_at, submitted_at, acknowledged_at`

func scanReview(row scanner) (*Review, error) {
	var r Review
	var status string
	err := row.Scan(&r.ID, &r.TicketID, &r.AgentID, &r.ReviewerID, &r.ScorecardID, &r.PeriodID, &r.AssignmentID,
		&r.CalibrationID, &status, &r.Score, &r.Comment, db.ScanTime(&r.CreatedAt), db.ScanTime(&r.UpdatedAt),
		db.ScanNullTime(&r.SubmittedAt), db.ScanNullTime(&r.AcknowledgedAt))
	r.Status = ReviewStatus(status)
	return &r, err
}

// getReview reads a review with its ratings, whoever asks: callers check
// access (see access.go).
func getReview(ctx context.Context, q db.Queryer, id int64) (*Review, error) {
	r, err := scanReview(q.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("review")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get review %d: %w", id, err)
	}
	if r.Ratings, err = listRatings(ctx, q, id); err != nil {
		return nil, err
	}
	return r, nil
}

func listRatings(ctx context.Context, q db.Queryer, reviewID int64) ([]Rating, error) {
	rows, err := q.QueryContext(ctx, `SELECT rr.category_id, rr.rating, rr.not_applicable, rr.comment, rr.message_ids
		FROM review_ratings rr JOIN scorecard_categories c ON c.id = rr.category_id
		WHERE rr.review_id = $1 ORDER BY c.position, c.id`, reviewID)
	if err != nil {
		return nil, fmt.Errorf("quality: ratings of %d: %w", reviewID, err)
	}
	defer rows.Close()
	out := []Rating{}
	for rows.Next() {
		var (
			rt     Rating
			rating sql.NullInt64
			msgs   string
		)
		if err := rows.Scan(&rt.CategoryID, &rating, &rt.NotApplicable, &rt.Comment, &msgs); err != nil {
			return nil, fmt.Errorf("quality: scan rating: %w", err)
		}
		if rating.Valid {
			v := int(rating.Int64)
			rt.Rating = &v
		}
		if err := json.Unmarshal([]byte(msgs), &rt.MessageIDs); err != nil {
			return nil, fmt.Errorf("quality: decode message ids: %w", err)
		}
		out = append(out, rt)
	}
	return out, rows.Err()
}

func insertReview(ctx context.Context, q db.Queryer, r *Review) error {
	err := q.QueryRowContext(ctx, `INSERT INTO reviews (ticket_id, agent_id, reviewer_id, scorecard_id, period_id,
		assignment_id, calibration_id, status, comment, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		r.TicketID, r.AgentID, r.ReviewerID, r.ScorecardID, r.PeriodID, r.AssignmentID, r.CalibrationID,
		string(r.Status), r.Comment, db.Time(r.CreatedAt), db.Time(r.UpdatedAt)).Scan(&r.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("id", "you have already begun this review")
	}
	if err != nil {
		return fmt.Errorf("quality: insert review: %w", err)
	}
	return nil
}

func saveReview(ctx context.Context, q db.Queryer, r *Review) error {
	_, err := q.ExecContext(ctx, `UPDATE reviews SET status = $1, score = $2, comment = $3, updated_at = $4,
		submitted_at = $5, acknowledged_at = $6 WHERE id = $7`,
		string(r.Status), r.Score, r.Comment, db.Time(r.UpdatedAt), db.NullTime(r.SubmittedAt),
		db.NullTime(r.AcknowledgedAt), r.ID)
	if err != nil {
		return fmt.Errorf("quality: save review %d: %w", r.ID, err)
	}
	return nil
}

// putRating writes one category's rating, replacing the one before.
func putRating(ctx context.Context, q db.Queryer, reviewID int64, rt Rating) error {
	ids := rt.MessageIDs
	if ids == nil {
		ids = []int64{}
	}
	msgs, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("quality: encode message ids: %w", err)
	}
	var rating any
	if rt.Rating != nil {
		rating = *rt.Rating
	}
	_, err = q.ExecContext(ctx, `DELETE FROM review_ratings WHERE review_id = $1 AND category_id = $2`,
		reviewID, rt.CategoryID)
	if err != nil {
		return fmt.Errorf("quality: clear rating: %w", err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO review_ratings (review_id, category_id, rating, not_applicable,
		comment, message_ids) VALUES ($1, $2, $3, $4, $5, $6)`,
		reviewID, rt.CategoryID, rating, rt.NotApplicable, rt.Comment, string(msgs))
	if err != nil {
		return fmt.Errorf("quality: put rating: %w", err)
	}
	return nil
}
