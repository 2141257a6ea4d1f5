package coaching

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/notify"
)

// RemindInterval is how often the server looks for follow-ups that came.
const RemindInterval = time.Minute

// maxRemindBatch bounds the sessions one RemindDue handles; the rest wait
// for the next tick.
const maxRemindBatch = 100

type dueSession struct {
	id, agentID         int64
	leadID              *int64
	followUp            time.Time
	agentName, leadName string
}

// RemindDue tells the lead and the agent of every session whose follow-up
// has come that it is due, and returns how many sessions it reminded of.
// Each session is marked reminded in the transaction that writes its two
// notifications, and only if no one marked it first, so a reminder is sent
// once across restarts and nodes.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	due, err := s.dueSessions(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		sent, err := s.remind(ctx, d)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

func (s *Service) dueSessions(ctx context.Context) ([]dueSession, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT s.id, s.agent_id, s.lead_id, s.follow_up_at,
		COALESCE(a.name, ''), COALESCE(l.name, '')
		FROM coaching_sessions s LEFT JOIN users a ON a.id = s.agent_id LEFT JOIN users l ON l.id = s.lead_id
		WHERE s.reminded_at IS NULL AND s.follow_up_at <= $1 ORDER BY s.follow_up_at, s.id LIMIT $2`,
		db.Time(s.now()), maxRemindBatch)
	if err != nil {
		return nil, fmt.Errorf("coaching: due follow-ups: %w", err)
	}
	defer rows.Close()
	var out []dueSession
	for rows.Next() {
		var d dueSession
		if err := rows.Scan(&d.id, &d.agentID, &d.leadID, db.ScanTime(&d.followUp), &d.agentName,
			&d.leadName); err != nil {
			return nil, fmt.Errorf("coaching: scan due follow-up: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// remind marks one session reminded and writes its notifications; false
// when another node (or an edit of the follow-up) got there first.
func (s *Service) remind(ctx context.Context, d dueSession) (bool, error) {
	sent := false
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE coaching_sessions SET reminded_at = $1
			WHERE id = $2 AND reminded_at IS NULL AND follow_up_at = $3`,
			db.Time(s.now()), d.id, db.Time(d.followUp))
		if err != nil {
			return fmt.Errorf("coaching: mark %d reminded: %w", d.id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		source := fmt.Sprintf("coaching:%d:follow_up:%s", d.id, d.followUp.Format(time.RFC3339))
		link := fmt.Sprintf("/coaching/%d", d.id)
		if d.leadID != nil {
			if _, err := notify.Remind(ctx, tx, notify.Reminder{RecipientID: *d.leadID, Source: source,
				Link: link, Note: "Coaching follow-up with " + d.agentName + " is due"}); err != nil {
				return err
			}
		}
		_, err = notify.Remind(ctx, tx, notify.Reminder{RecipientID: d.agentID, ActorID: d.leadID,
			Source: source, Link: link, Note: "Your coaching follow-up with " + orSomeone(d.leadName) + " is due"})
		return err
	})
	return sent, err
}

func orSomeone(name string) string {
	if name == "" {
		return "your lead"
	}
	return name
}
