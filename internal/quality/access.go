package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
)

// SettingReviewsVisibleToAgents names the instance setting that, when
// "true", lets every user read every submitted review (a team that reviews
// in the open). It is off by default.
const SettingReviewsVisibleToAgents = "reviews_visible_to_agents"

// canRead is the one rule of who may read a review:
//   - a reviewer reads the reviews they wrote;
//   - a calibration review is blind while its session is open; once closed,
//     leads and the session's reviewers read its submitted reviews, and the
//     reviewed agent never does (calibration measures the reviewers);
//   - leads and admins read every other review;
//   - the reviewed agent reads their reviews once submitted (or voided);
//   - with SettingReviewsVisibleToAgents on, anyone reads submitted
//     reviews.
func canRead(ctx context.Context, q db.Queryer, who *user.User, r *Review) (bool, error) {
	switch {
	case who == nil:
		return false, nil
	case r.ReviewerID == who.ID:
		return true, nil
	case r.CalibrationID != nil:
		if r.Status == StatusDraft {
			return false, nil
		}
		return calibrationClosedFor(ctx, q, *r.CalibrationID, who)
	case who.IsLead():
		return true, nil
	case r.Status == StatusDraft:
		return false, nil
	case r.AgentID == who.ID:
		return true, nil
	}
	return reviewsVisibleToAgents(ctx, q)
}

// readable returns review id if who may read it, and "not found" if not,
// so that nobody learns which reviews exist.
func (s *Service) readable(ctx context.Context, q db.Queryer, who *user.User, id int64) (*Review, error) {
	r, err := getReview(ctx, q, id)
	if err != nil {
		return nil, err
	}
	ok, err := canRead(ctx, q, who, r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.NotFound("review")
	}
	return r, nil
}

// calibrationClosedFor reports whether a session has closed and who may
// see its reviews: a lead, or one of its reviewers.
func calibrationClosedFor(ctx context.Context, q db.Queryer, sessionID int64, who *user.User) (bool, error) {
	var closed, participant bool
	err := q.QueryRowContext(ctx, `SELECT s.status = 'closed', EXISTS (SELECT 1 FROM calibration_participants p
		WHERE p.session_id = s.id AND p.reviewer_id = $2) FROM calibration_sessions s WHERE s.id = $1`,
		sessionID, who.ID).Scan(&closed, &participant)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("quality: calibration access: %w", err)
	}
	return closed && (participant || who.IsLead()), nil
}

func reviewsVisibleToAgents(ctx context.Context, q db.Queryer) (bool, error) {
	v, err := settings.Value(ctx, q, SettingReviewsVisibleToAgents)
	if err != nil {
		return false, err
	}
	on, _ := strconv.ParseBool(v) // never set, or not a boolean: off
	return on, nil
}
