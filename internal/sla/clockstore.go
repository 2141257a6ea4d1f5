package sla

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const clockColumns = `id, ticket_id, metric, state, policy_id, policy_name, target_minutes, business_hours,
	pause_statuses, at_risk_share, schedule_id, schedule_name, team_id, channel, priority, started_at,
	running_since, used_ms, due_at, at_risk_at, at_risk_fired_at, breached_at, fulfilled_at, updated_at`

func scanClock(row interface{ Scan(...any) error }) (*Clock, error) {
	var c Clock
	var pauses string
	err := row.Scan(&c.ID, &c.TicketID, &c.Metric, &c.State, &c.PolicyID, &c.PolicyName, &c.TargetMinutes,
		&c.BusinessHours, &pauses, &c.AtRiskShare, &c.ScheduleID, &c.ScheduleName, &c.TeamID, &c.Channel,
		&c.Priority, db.ScanTime(&c.StartedAt), db.ScanNullTime(&c.RunningSince), &c.UsedMillis,
		db.ScanNullTime(&c.DueAt), db.ScanNullTime(&c.AtRiskAt), db.ScanNullTime(&c.AtRiskFiredAt),
		db.ScanNullTime(&c.BreachedAt), db.ScanNullTime(&c.FulfilledAt), db.ScanTime(&c.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(pauses), &c.PauseStatuses); err != nil {
		return nil, fmt.Errorf("sla: clock %d pause statuses: %w", c.ID, err)
	}
	return &c, nil
}

func queryClocks(ctx context.Context, q db.Queryer, where string, args ...any) ([]*Clock, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+clockColumns+` FROM sla_clocks WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sla: clocks: %w", err)
	}
	defer rows.Close()
	var out []*Clock
	for rows.Next() {
		c, err := scanClock(rows)
		if err != nil {
			return nil, fmt.Errorf("sla: scan clock: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ticketClocks returns every clock of a ticket, oldest first. forUpdate
// locks them on PostgreSQL, so that the event consumer, a policy change
// and the breach job change a ticket's clocks one at a time.
func ticketClocks(ctx context.Context, q db.Queryer, dialect db.Dialect, ticketID int64, forUpdate bool) ([]*Clock, error) {
	where := `ticket_id = $1 ORDER BY id`
	if forUpdate && dialect == db.Postgres {
		where += ` FOR UPDATE`
	}
	return queryClocks(ctx, q, where, ticketID)
}

func getClock(ctx context.Context, q db.Queryer, dialect db.Dialect, id int64) (*Clock, error) {
	where := `id = $1`
	if dialect == db.Postgres {
		where += ` FOR UPDATE`
	}
	cs, err := queryClocks(ctx, q, where, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, apperr.NotFound("sla clock")
	}
	return cs[0], nil
}

func insertClock(ctx context.Context, q db.Queryer, c *Clock) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO sla_clocks (ticket_id, metric, state, policy_id, policy_name, target_minutes, business_hours,
			pause_statuses, at_risk_share, schedule_id, schedule_name, team_id, channel, priority, started_at,
			running_since, used_ms, due_at, at_risk_at, at_risk_fired_at, breached_at, fulfilled_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
		RETURNING id`,
		c.TicketID, c.Metric, c.State, c.PolicyID, c.PolicyName, c.TargetMinutes, c.BusinessHours,
		jsonText(c.PauseStatuses), c.AtRiskShare, c.ScheduleID, c.ScheduleName, c.TeamID, c.Channel, c.Priority,
		db.Time(c.StartedAt), db.NullTime(c.RunningSince), c.UsedMillis, db.NullTime(c.DueAt),
		db.NullTime(c.AtRiskAt), db.NullTime(c.AtRiskFiredAt), db.NullTime(c.BreachedAt),
		db.NullTime(c.FulfilledAt), db.Time(c.UpdatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("sla: insert clock: %w", err)
	}
	return nil
}

func saveClock(ctx context.Context, q db.Queryer, c *Clock) error {
	_, err := q.ExecContext(ctx, `
		UPDATE sla_clocks SET state = $1, policy_id = $2, policy_name = $3, target_minutes = $4,
			business_hours = $5, pause_statuses = $6, at_risk_share = $7, schedule_id = $8, schedule_name = $9,
			team_id = $10, channel = $11, priority = $12, running_since = $13, used_ms = $14, due_at = $15,
			at_risk_at = $16, at_risk_fired_at = $17, breached_at = $18, fulfilled_at = $19, updated_at = $20
		WHERE id = $21`,
		c.State, c.PolicyID, c.PolicyName, c.TargetMinutes, c.BusinessHours, jsonText(c.PauseStatuses),
		c.AtRiskShare, c.ScheduleID, c.ScheduleName, c.TeamID, c.Channel, c.Priority,
		db.NullTime(c.RunningSince), c.UsedMillis, db.NullTime(c.DueAt), db.NullTime(c.AtRiskAt),
		db.NullTime(c.AtRiskFiredAt), db.NullTime(c.BreachedAt), db.NullTime(c.FulfilledAt),
		db.Time(c.UpdatedAt), c.ID)
	if err != nil {
		return fmt.Errorf("sla: save clock %d: %w", c.ID, err)
	}
	return nil
}

// appendSegments writes the segments a change added to the clock's log.
func appendSegments(ctx context.Context, q db.Queryer, c *Clock) error {
	for _, s := range c.log {
		_, err := q.ExecContext(ctx, `
			INSERT INTO sla_segments (clock_id, kind, at, status, target_minutes, schedule_id, schedule_name, due_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, s.Kind, db.Time(s.At), s.Status, s.TargetMinutes, s.ScheduleID, s.ScheduleName, db.NullTime(s.DueAt))
		if err != nil {
			return fmt.Errorf("sla: append %s to clock %d: %w", s.Kind, c.ID, err)
		}
	}
	c.log = nil
	return nil
}

func clockSegments(ctx context.Context, q db.Queryer, clockID int64) ([]Segment, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT kind, at, status, target_minutes, schedule_id, schedule_name, due_at
		FROM sla_segments WHERE clock_id = $1 ORDER BY id`, clockID)
	if err != nil {
		return nil, fmt.Errorf("sla: segments of %d: %w", clockID, err)
	}
	defer rows.Close()
	out := []Segment{}
	for rows.Next() {
		var s Segment
		if err := rows.Scan(&s.Kind, db.ScanTime(&s.At), &s.Status, &s.TargetMinutes, &s.ScheduleID,
			&s.ScheduleName, db.ScanNullTime(&s.DueAt)); err != nil {
			return nil, fmt.Errorf("sla: scan segment: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// openTicketIDs lists the tickets a policy or schedule change re-targets:
// every unsolved ticket.
func openTicketIDs(ctx context.Context, q db.Queryer) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM tickets WHERE status NOT IN ('solved', 'closed') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sla: open tickets: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
