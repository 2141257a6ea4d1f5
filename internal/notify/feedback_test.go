package notify_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// answered does what package feedback does when a customer answers: the
// survey's row (written here straight into its tables) and the
// feedback.answered event, in one transaction.
func (f *fixture) answered(t *testing.T, ticketID, survey int64, comment string, agents ...int64) int64 {
	t.Helper()
	err := f.d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		now := db.Time(db.Now())
		if survey == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id,
				channel, status, token_nonce, solved_at, created_at, updated_at)
				SELECT id, id * 1000 + (SELECT COUNT(*) FROM feedback_surveys), requester_id, channel, 'sent', 'n', $2, $2, $2
				FROM tickets WHERE id = $1 RETURNING id`, ticketID, now).Scan(&survey); err != nil {
				return err
			}
			for i, a := range agents {
				if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
					VALUES ($1, $2, $3, $4)`, survey, a, i == 0, i > 0); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback_surveys SET status = 'answered', csat = 5, comment = $2,
			answered_at = COALESCE(answered_at, $3), changed_at = $3 WHERE id = $1`, survey, comment, now); err != nil {
			return err
		}
		return events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: notify.EventFeedbackAnswered,
			ActorType: events.ActorCustomer, Data: map[string]any{"survey_id": survey, "csat": 5, "ces": nil,
				"has_comment": comment != "", "first": true}})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	return survey
}

func (f *fixture) feedbackNotes(t *testing.T, to int64) []*notify.Notification {
	t.Helper()
	all, err := f.svc.List(context.Background(), to, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []*notify.Notification
	for _, n := range all {
		if n.Kind == notify.KindFeedback {
			out = append(out, n)
		}
	}
	return out
}

// TestCommentNotifiesTheAttributedAgents: a comment reaches every agent the
// survey counts for, once per survey however often the answer changes; an
// answer without a comment reaches nobody; an agent not attributed hears
// nothing.
func TestCommentNotifiesTheAttributedAgents(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana := f.user(t, "ana@example.com", "Ana")
		bo := f.user(t, "bo@example.com", "Bo")
		cy := f.user(t, "cy@example.com", "Cy")
		tk := f.newTicket(t, ana)

		s := f.answered(t, tk.ID, 0, "", ana, bo)
		if n := f.feedbackNotes(t, ana); len(n) != 0 {
			t.Fatalf("told of an answer without a comment: %+v", n)
		}
		f.answered(t, tk.ID, s, "Ana and Bo sorted it in minutes", ana, bo)
		f.answered(t, tk.ID, s, "Ana and Bo sorted it in minutes!", ana, bo)
		for _, who := range []int64{ana, bo} {
			n := f.feedbackNotes(t, who)
			if len(n) != 1 || n[0].TicketID != tk.ID || n[0].Href() != "/agents/"+itoa(who)+"#customer-feedback" ||
				n[0].Text() != "A customer left a comment on #"+itoa(tk.Number) {
				t.Fatalf("agent %d: %+v", who, n)
			}
		}
		if n := f.feedbackNotes(t, cy); len(n) != 0 {
			t.Fatalf("an agent the survey does not count for was told: %+v", n)
		}
	})
}
