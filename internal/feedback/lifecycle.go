package feedback

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
)

// ConsumerName keys the consumer's progress in event_consumers.
const ConsumerName = "feedback"

// Events this package appends to a ticket's log.
const (
	EventAnswered   = "feedback.answered"    // the customer answered (or changed the answer)
	EventFollowedUp = "feedback.followed_up" // someone followed up a low score
)

// Not-eligible reasons, as not_eligible_reason stores them.
const (
	ReasonOff           = "off"
	ReasonChannel       = "channel"
	ReasonMerged        = "merged"
	ReasonSpam          = "spam"
	ReasonNoPublicReply = "no_public_reply"
	ReasonOptedOut      = "opted_out"
	ReasonRecentSurvey  = "recent_survey"
)

// Consumer returns the durable event consumer that makes a survey for each
// solve and closes it on a reopen. It runs in the transaction that records
// its progress, and the survey row is keyed by the solve's event, so a
// crash or a redelivery neither loses nor doubles a survey; the job that
// sends it is queued in the same transaction.
func (s *Service) Consumer() events.Consumer {
	return events.Consumer{Name: ConsumerName, Handle: s.handle}
}

func (s *Service) handle(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
	for i := range batch {
		e := &batch[i]
		if e.Type != "ticket.status_changed" {
			continue
		}
		after, _ := e.Data["after"].(string)
		var err error
		if after == "solved" {
			err = s.onSolved(ctx, tx, e)
		} else if !resolved(after) {
			err = closeSurveys(ctx, tx, e.TicketID, e.At)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// resolved reports whether a ticket status ends its resolution's survey
// life: solved, or closed after it.
func resolved(status string) bool { return status == "solved" || status == "closed" }

// solveFacts is what eligibility and attribution read at a solve.
type solveFacts struct {
	channel    string
	customerID int64
	assigneeID *int64
	teamID     *int64
	repliers   []int64
}

// onSolved makes the survey of the solve e: not eligible, or scheduled with
// its send job.
func (s *Service) onSolved(ctx context.Context, tx *sql.Tx, e *events.Event) error {
	f, err := readSolve(ctx, tx, e)
	if err != nil {
		return err
	}
	st, err := LoadSettings(ctx, tx)
	if err != nil {
		return err
	}
	reason, err := s.ineligible(ctx, tx, st, e, f)
	if err != nil {
		return err
	}
	now := s.now()
	sv := &Survey{TicketID: e.TicketID, SolveEventID: e.ID, CustomerID: f.customerID, Channel: f.channel,
		AssigneeID: f.assigneeID, TeamID: f.teamID, Status: StatusNotEligible, NotEligibleReason: reason,
		SolvedAt: e.At, CreatedAt: now, UpdatedAt: now}
	var tokenHash *string
	if reason == "" {
		sv.Status = StatusScheduled
		sv.tokenNonce = newNonce()
		h := hashToken(s.token(sv.tokenNonce))
		tokenHash = &h
		at := e.At.Add(time.Duration(st.DelayMinutes) * time.Minute)
		if at.Before(now) {
			at = now
		}
		sv.SendAt = &at
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel, assignee_id, team_id,
			status, not_eligible_reason, token_hash, token_nonce, solved_at, send_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
		ON CONFLICT (solve_event_id) DO NOTHING RETURNING id`,
		sv.TicketID, sv.SolveEventID, sv.CustomerID, sv.Channel, sv.AssigneeID, sv.TeamID, sv.Status,
		sv.NotEligibleReason, tokenHash, sv.tokenNonce, db.Time(sv.SolvedAt), db.NullTime(sv.SendAt),
		db.Time(now)).Scan(&sv.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // made before, by a batch that committed
	}
	if err != nil {
		return fmt.Errorf("feedback: create survey for ticket %d: %w", e.TicketID, err)
	}
	if err := insertAgents(ctx, tx, sv.ID, f); err != nil {
		return err
	}
	if sv.Status != StatusScheduled {
		return nil
	}
	_, err = s.queue.Enqueue(ctx, tx, KindSend, sendJob{SurveyID: sv.ID},
		jobs.EnqueueOptions{RunAt: *sv.SendAt, UniqueKey: strconv.FormatInt(sv.ID, 10)})
	return err
}

func insertAgents(ctx context.Context, tx *sql.Tx, surveyID int64, f solveFacts) error {
	ids := slices.Clone(f.repliers)
	if f.assigneeID != nil && !slices.Contains(ids, *f.assigneeID) {
		ids = append(ids, *f.assigneeID)
	}
	for _, id := range ids {
		isAssignee := f.assigneeID != nil && *f.assigneeID == id
		_, err := tx.ExecContext(ctx, `
			INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
			SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM users WHERE id = $2)`,
			surveyID, id, isAssignee, slices.Contains(f.repliers, id))
		if err != nil {
			return fmt.Errorf("feedback: attribute survey %d to %d: %w", surveyID, id, err)
		}
	}
	return nil
}

// readSolve reads the ticket as it was at the solve e. The consumer runs
// after the solve committed; an assignment or team change made since has
// its own later event, whose "before" is the value at the solve.
func readSolve(ctx context.Context, tx *sql.Tx, e *events.Event) (solveFacts, error) {
	var f solveFacts
	err := tx.QueryRowContext(ctx, `SELECT channel, requester_id, assignee_id, team_id FROM tickets WHERE id = $1`,
		e.TicketID).Scan(&f.channel, &f.customerID, &f.assigneeID, &f.teamID)
	if err != nil {
		return f, fmt.Errorf("feedback: read ticket %d: %w", e.TicketID, err)
	}
	if f.assigneeID, err = valueAtEvent(ctx, tx, e, "ticket.assignee_changed", f.assigneeID); err != nil {
		return f, err
	}
	if f.teamID, err = valueAtEvent(ctx, tx, e, "ticket.team_changed", f.teamID); err != nil {
		return f, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT author_id FROM messages
		WHERE ticket_id = $1 AND kind = 'reply' AND author_type = 'agent' AND author_id IS NOT NULL
		  AND created_at <= $2 ORDER BY author_id`, e.TicketID, db.Time(e.At))
	if err != nil {
		return f, fmt.Errorf("feedback: read repliers of %d: %w", e.TicketID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return f, err
		}
		f.repliers = append(f.repliers, id)
	}
	return f, rows.Err()
}

// valueAtEvent returns an id field's value when e happened: the "before"
// of the first later change of it, or current when there is none.
func valueAtEvent(ctx context.Context, tx *sql.Tx, e *events.Event, typ string, current *int64) (*int64, error) {
	var raw []byte
	err := tx.QueryRowContext(ctx, `SELECT data FROM events WHERE ticket_id = $1 AND id > $2 AND type = $3
		ORDER BY id LIMIT 1`, e.TicketID, e.ID, typ).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return current, nil
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: read %s of %d: %w", typ, e.TicketID, err)
	}
	var data struct {
		Before *int64 `json:"before"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, fmt.Errorf("feedback: read %s of %d: %w", typ, e.TicketID, err)
	}
	return data.Before, nil
}

// ineligible says why the solve gets no survey ("" when it does).
func (s *Service) ineligible(ctx context.Context, tx *sql.Tx, st Settings, e *events.Event, f solveFacts) (string, error) {
	if !st.Enabled {
		return ReasonOff, nil
	}
	if len(st.Channels) > 0 && !slices.Contains(st.Channels, f.channel) {
		return ReasonChannel, nil
	}
	if len(f.repliers) == 0 {
		return ReasonNoPublicReply, nil
	}
	checks := []struct {
		reason string
		query  string
		args   []any
	}{
		{ReasonMerged, `SELECT 1 FROM ticket_links WHERE ticket_id = $1 AND kind = 'merged_into'`, []any{e.TicketID}},
		{ReasonSpam, `SELECT 1 FROM ticket_tags WHERE ticket_id = $1 AND tag = 'spam'`, []any{e.TicketID}},
		{ReasonOptedOut, `SELECT 1 FROM feedback_opt_outs WHERE customer_id = $1`, []any{f.customerID}},
	}
	if st.CustomerIntervalDays > 0 {
		since := e.At.Add(-time.Duration(st.CustomerIntervalDays) * 24 * time.Hour)
		checks = append(checks, struct {
			reason string
			query  string
			args   []any
		}{ReasonRecentSurvey, `SELECT 1 FROM feedback_surveys WHERE customer_id = $1
			AND (status = 'scheduled' OR sent_at >= $2) LIMIT 1`, []any{f.customerID, db.Time(since)}})
	}
	for _, c := range checks {
		var one int
		err := tx.QueryRowContext(ctx, c.query, c.args...).Scan(&one)
		if err == nil {
			return c.reason, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("feedback: eligibility (%s) of %d: %w", c.reason, e.TicketID, err)
		}
	}
	return "", nil
}

// closeSurveys closes the open survey of a reopened ticket: unanswered ones
// become void, an answered one stays counted but frozen.
func closeSurveys(ctx context.Context, tx *sql.Tx, ticketID int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE feedback_surveys
		   SET status = CASE WHEN status IN ('scheduled', 'sent') THEN 'void' ELSE status END,
		       closed_at = $2, updated_at = $2
		 WHERE ticket_id = $1 AND closed_at IS NULL`, ticketID, db.Time(at))
	if err != nil {
		return fmt.Errorf("feedback: close surveys of %d: %w", ticketID, err)
	}
	return nil
}

// reopenedSince reports whether the survey's ticket left its solve since:
// it is no longer solved or closed, or some status change after the solve
// took it elsewhere (it may be solved again: that is another survey). It
// reads the ticket and its events, so it holds before the consumer has
// closed the survey.
func reopenedSince(ctx context.Context, q db.Queryer, sv *Survey) (bool, error) {
	var status string
	if err := q.QueryRowContext(ctx, `SELECT status FROM tickets WHERE id = $1`, sv.TicketID).Scan(&status); err != nil {
		return false, fmt.Errorf("feedback: read ticket %d: %w", sv.TicketID, err)
	}
	if !resolved(status) {
		return true, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT data FROM events
		WHERE ticket_id = $1 AND id > $2 AND type = 'ticket.status_changed'`, sv.TicketID, sv.SolveEventID)
	if err != nil {
		return false, fmt.Errorf("feedback: read status changes of %d: %w", sv.TicketID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return false, err
		}
		var data struct {
			After string `json:"after"`
		}
		if err := json.Unmarshal(raw, &data); err != nil {
			return false, fmt.Errorf("feedback: read status change of %d: %w", sv.TicketID, err)
		}
		if !resolved(data.After) {
			return true, nil
		}
	}
	return false, rows.Err()
}
