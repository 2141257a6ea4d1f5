package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/notify"
)

// RecoveryPath is the workspace page that lists low scores to follow up.
const RecoveryPath = "/recovery"

// notifyLowScore tells the survey's assignee (at the solve) and the leads
// of its team (every lead when it had none) that a customer gave a low
// score, once per survey and person (notify.Remind keys it by source).
func notifyLowScore(ctx context.Context, tx *sql.Tx, sv *Survey) error {
	ids, err := recoveryRecipients(ctx, tx, sv)
	if err != nil {
		return err
	}
	var number int64
	if err := tx.QueryRowContext(ctx, `SELECT number FROM tickets WHERE id = $1`, sv.TicketID).Scan(&number); err != nil {
		return fmt.Errorf("feedback: read ticket %d: %w", sv.TicketID, err)
	}
	note := fmt.Sprintf("Low score on #%d (%s): follow up with the customer", number, scoreText(sv))
	for _, id := range ids {
		_, err := notify.Remind(ctx, tx, notify.Reminder{RecipientID: id,
			Source: "feedback:" + strconv.FormatInt(sv.ID, 10) + ":low",
			Link:   "/tickets/" + strconv.FormatInt(sv.TicketID, 10), Note: note})
		if err != nil {
			return err
		}
	}
	return nil
}

func scoreText(sv *Survey) string {
	var parts []string
	if sv.CSAT != nil {
		parts = append(parts, fmt.Sprintf("CSAT %d/5", *sv.CSAT))
	}
	if sv.CES != nil {
		parts = append(parts, fmt.Sprintf("CES %d/7", *sv.CES))
	}
	return strings.Join(parts, ", ")
}

func recoveryRecipients(ctx context.Context, tx *sql.Tx, sv *Survey) ([]int64, error) {
	q := `SELECT id FROM users WHERE role = 'lead' AND disabled_at IS NULL`
	var args []any
	if sv.TeamID != nil {
		q += ` AND id IN (SELECT user_id FROM team_members WHERE team_id = $1)`
		args = append(args, *sv.TeamID)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("feedback: leads of survey %d: %w", sv.ID, err)
	}
	defer rows.Close()
	var ids []int64
	if sv.AssigneeID != nil {
		ids = append(ids, *sv.AssigneeID)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if sv.AssigneeID == nil || id != *sv.AssigneeID {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// RecoveryItem is a low score waiting for a follow-up.
type RecoveryItem struct {
	Survey
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
	CustomerName  string `json:"customer_name"`
}

// MaxRecovery bounds the needs-recovery list.
const MaxRecovery = 200

// NeedsRecovery lists the surveys with a low score nobody has followed up,
// oldest answer first (the longest waiting on top).
func (s *Service) NeedsRecovery(ctx context.Context) ([]*RecoveryItem, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+surveyColumns+`, t.number, t.subject, c.name
		FROM feedback_surveys s JOIN tickets t ON t.id = s.ticket_id JOIN customers c ON c.id = s.customer_id
		WHERE s.recovery = 'needed' ORDER BY s.answered_at, s.id LIMIT $1`, MaxRecovery)
	if err != nil {
		return nil, fmt.Errorf("feedback: list needs recovery: %w", err)
	}
	defer rows.Close()
	out := []*RecoveryItem{}
	for rows.Next() {
		var it RecoveryItem
		sv, err := scanSurvey(rows, &it.TicketNumber, &it.TicketSubject, &it.CustomerName)
		if err != nil {
			return nil, fmt.Errorf("feedback: scan recovery: %w", err)
		}
		it.Survey = *sv
		out = append(out, &it)
	}
	return out, rows.Err()
}

// MarkFollowedUp records that userID followed up the low score of the
// ticket's current survey, which leaves the needs-recovery list.
func (s *Service) MarkFollowedUp(ctx context.Context, ticketID, userID int64) (*Survey, error) {
	var out *Survey
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sv, err := getSurvey(ctx, tx, `s.ticket_id = $1 AND s.recovery = 'needed' ORDER BY s.id DESC LIMIT 1`, ticketID)
		if apperr.Is(err, apperr.KindNotFound) {
			return apperr.Conflict("recovery", "ticket %d has no low score waiting for a follow-up", ticketID)
		}
		if err != nil {
			return err
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `UPDATE feedback_surveys SET recovery = 'followed_up', followed_up_by = $2,
			followed_up_at = $3, updated_at = $3 WHERE id = $1 AND recovery = 'needed'`, sv.ID, userID, db.Time(now))
		if err != nil {
			return fmt.Errorf("feedback: mark survey %d followed up: %w", sv.ID, err)
		}
		sv.Recovery, sv.FollowedUpBy, sv.FollowedUpAt, sv.UpdatedAt = RecoveryFollowedUp, &userID, &now, now
		out = sv
		return events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: EventFollowedUp,
			ActorType: events.ActorAgent, ActorID: &userID, At: now, Data: map[string]any{"survey_id": sv.ID}})
	})
	return out, err
}
