package notify

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// KindFeedback is a customer's comment on a ticket the recipient worked;
// it points at the recipient's own page, where the comment is shown.
const KindFeedback = "feedback"

// EventFeedbackAnswered is the event package feedback appends when a
// customer answers a survey or changes the answer; its data carries
// survey_id and has_comment.
const EventFeedbackAnswered = "feedback.answered"

// notifyFeedback tells every agent a survey is attributed to (the assignee
// at the solve and each agent who replied publicly, as package feedback
// froze them) that its customer left a comment: they hear it before any
// leader reads it. One notification per survey and agent (the source
// feedback:<survey>), so changing an answer tells nobody twice; an answer
// without a comment tells nobody, and a later one that adds a comment does.
func notifyFeedback(ctx context.Context, tx *sql.Tx, e *events.Event) error {
	if has, _ := e.Data["has_comment"].(bool); !has {
		return nil
	}
	survey, ok := idOf(e.Data["survey_id"])
	if !ok {
		return nil
	}
	var number int64
	err := tx.QueryRowContext(ctx, `SELECT number FROM tickets WHERE id = $1`, e.TicketID).Scan(&number)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify: ticket of survey %d: %w", survey, err)
	}
	agents, err := surveyAgents(ctx, tx, survey)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("A customer left a comment on #%d", number)
	for _, to := range agents {
		if err := createFeedback(ctx, tx, e, to, survey, note); err != nil {
			return err
		}
	}
	return nil
}

func surveyAgents(ctx context.Context, tx *sql.Tx, survey int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM feedback_survey_agents WHERE survey_id = $1
		ORDER BY user_id`, survey)
	if err != nil {
		return nil, fmt.Errorf("notify: agents of survey %d: %w", survey, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("notify: scan survey agent: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func createFeedback(ctx context.Context, tx *sql.Tx, e *events.Event, to, survey int64, note string) error {
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO notifications (recipient_id, kind, ticket_id, event_id, created_at, link, note, source)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL)
		ON CONFLICT DO NOTHING RETURNING id`,
		to, KindFeedback, e.TicketID, e.ID, db.Time(db.Now()), fmt.Sprintf("/agents/%d#customer-feedback", to),
		note, fmt.Sprintf("feedback:%d", survey)).Scan(&id)
	if err == sql.ErrNoRows {
		return nil // not an active user, or told of this survey already
	}
	if err != nil {
		return fmt.Errorf("notify: feedback for %d on survey %d: %w", to, survey, err)
	}
	return events.Append(ctx, tx, &events.Event{TicketID: e.TicketID, Type: EventCreated,
		ActorType: e.ActorType, ActorID: e.ActorID,
		Data: map[string]any{"notification_id": id, "recipient_id": to, "kind": KindFeedback}})
}
