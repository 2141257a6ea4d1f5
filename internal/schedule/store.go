package schedule

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const columns = `id, name, time_zone, intervals, holidays, is_default, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (*Schedule, error) {
	var s Schedule
	var intervals, holidays string
	err := row.Scan(&s.ID, &s.Name, &s.TimeZone, &intervals, &holidays, &s.Default,
		db.ScanTime(&s.CreatedAt), db.ScanTime(&s.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(intervals), &s.Intervals); err != nil {
		return nil, fmt.Errorf("schedule %d: intervals: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(holidays), &s.Holidays); err != nil {
		return nil, fmt.Errorf("schedule %d: holidays: %w", s.ID, err)
	}
	s.TeamIDs = []int64{}
	return &s, nil
}

func get(ctx context.Context, q db.Queryer, id int64) (*Schedule, error) {
	s, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM schedules WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("schedule")
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: get %d: %w", id, err)
	}
	return s, fillTeams(ctx, q, map[int64]*Schedule{s.ID: s})
}

// Load reads schedule id in q, for packages that work inside a
// transaction of their own (SLA clocks).
func Load(ctx context.Context, q db.Queryer, id int64) (*Schedule, error) { return get(ctx, q, id) }

func list(ctx context.Context, q db.Queryer) ([]*Schedule, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM schedules ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("schedule: list: %w", err)
	}
	defer rows.Close()
	var out []*Schedule
	byID := map[int64]*Schedule{}
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("schedule: scan: %w", err)
		}
		byID[s.ID] = s
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: list: %w", err)
	}
	return out, fillTeams(ctx, q, byID)
}

func fillTeams(ctx context.Context, q db.Queryer, byID map[int64]*Schedule) error {
	rows, err := q.QueryContext(ctx, `SELECT schedule_id, team_id FROM team_schedules ORDER BY team_id`)
	if err != nil {
		return fmt.Errorf("schedule: teams: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid, tid int64
		if err := rows.Scan(&sid, &tid); err != nil {
			return fmt.Errorf("schedule: scan team: %w", err)
		}
		if s := byID[sid]; s != nil {
			s.TeamIDs = append(s.TeamIDs, tid)
		}
	}
	return rows.Err()
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // intervals and dates always marshal
	return string(b)
}

func insert(ctx context.Context, q db.Queryer, s *Schedule) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO schedules (name, time_zone, intervals, holidays, is_default, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		s.Name, s.TimeZone, jsonText(s.Intervals), jsonText(s.Holidays), s.Default, db.Time(s.CreatedAt)).Scan(&s.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a schedule named %q already exists", s.Name)
	}
	if err != nil {
		return fmt.Errorf("schedule: insert: %w", err)
	}
	return nil
}

func save(ctx context.Context, q db.Queryer, s *Schedule) error {
	_, err := q.ExecContext(ctx, `
		UPDATE schedules SET name = $1, time_zone = $2, intervals = $3, holidays = $4, is_default = $5,
		updated_at = $6 WHERE id = $7`,
		s.Name, s.TimeZone, jsonText(s.Intervals), jsonText(s.Holidays), s.Default, db.Time(s.UpdatedAt), s.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a schedule named %q already exists", s.Name)
	}
	if err != nil {
		return fmt.Errorf("schedule: save %d: %w", s.ID, err)
	}
	return nil
}

// clearDefault leaves at most one default: the one being saved.
func clearDefault(ctx context.Context, q db.Queryer, except int64) error {
	_, err := q.ExecContext(ctx, `UPDATE schedules SET is_default = $1 WHERE is_default = $2 AND id <> $3`,
		false, true, except)
	if err != nil {
		return fmt.Errorf("schedule: clear default: %w", err)
	}
	return nil
}

// replaceTeams makes ids the teams that follow schedule id, moving each
// from the schedule it followed before.
func replaceTeams(ctx context.Context, q db.Queryer, id int64, ids []int64) error {
	for _, tid := range ids {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1`, tid).Scan(&n); err != nil {
			return fmt.Errorf("schedule: check team %d: %w", tid, err)
		}
		if n == 0 {
			return apperr.Unprocessable("team_ids", "no team has id %d", tid)
		}
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM team_schedules WHERE schedule_id = $1`, id); err != nil {
		return fmt.Errorf("schedule: clear teams of %d: %w", id, err)
	}
	for _, tid := range ids {
		if _, err := q.ExecContext(ctx, `DELETE FROM team_schedules WHERE team_id = $1`, tid); err != nil {
			return fmt.Errorf("schedule: move team %d: %w", tid, err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO team_schedules (team_id, schedule_id) VALUES ($1, $2)`, tid, id); err != nil {
			return fmt.Errorf("schedule: add team %d: %w", tid, err)
		}
	}
	return nil
}

func remove(ctx context.Context, q db.Queryer, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM schedules WHERE id = $1`, id); err != nil {
		return fmt.Errorf("schedule: delete %d: %w", id, err)
	}
	return nil
}

// ForTeam returns the schedule that applies to a team's tickets: the
// team's own, else the desk's default; nil when there is neither (every
// hour is then business time).
func ForTeam(ctx context.Context, q db.Queryer, teamID *int64) (*Schedule, error) {
	if teamID != nil {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT schedule_id FROM team_schedules WHERE team_id = $1`, *teamID).Scan(&id)
		if err == nil {
			return get(ctx, q, id)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("schedule: of team %d: %w", *teamID, err)
		}
	}
	s, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM schedules WHERE is_default = $1 ORDER BY id LIMIT 1`, true))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: default: %w", err)
	}
	return s, nil
}
