package team

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const teamColumns = `id, name, description, created_at, updated_at`

func scanTeam(row interface{ Scan(...any) error }) (*Team, error) {
	var t Team
	err := row.Scan(&t.ID, &t.Name, &t.Description, db.ScanTime(&t.CreatedAt), db.ScanTime(&t.UpdatedAt))
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func getTeam(ctx context.Context, q db.Queryer, id int64) (*Team, error) {
	t, err := scanTeam(q.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM teams WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("team")
	}
	if err != nil {
		return nil, fmt.Errorf("team: get %d: %w", id, err)
	}
	if t.MemberIDs, err = memberIDs(ctx, q, id); err != nil {
		return nil, err
	}
	return t, nil
}

func listTeams(ctx context.Context, q db.Queryer) ([]*Team, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+teamColumns+` FROM teams ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("team: list: %w", err)
	}
	defer rows.Close()
	var out []*Team
	byID := map[int64]*Team{}
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, fmt.Errorf("team: scan: %w", err)
		}
		t.MemberIDs = []int64{}
		byID[t.ID] = t
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("team: list: %w", err)
	}
	return out, fillMembers(ctx, q, byID)
}

// fillMembers loads every membership in one query rather than one per team.
func fillMembers(ctx context.Context, q db.Queryer, byID map[int64]*Team) error {
	rows, err := q.QueryContext(ctx, `SELECT team_id, user_id FROM team_members ORDER BY team_id, user_id`)
	if err != nil {
		return fmt.Errorf("team: list members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var teamID, userID int64
		if err := rows.Scan(&teamID, &userID); err != nil {
			return fmt.Errorf("team: scan member: %w", err)
		}
		if t := byID[teamID]; t != nil {
			t.MemberIDs = append(t.MemberIDs, userID)
		}
	}
	return rows.Err()
}

func memberIDs(ctx context.Context, q db.Queryer, teamID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY user_id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("team: members of %d: %w", teamID, err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("team: scan member: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func insertTeam(ctx context.Context, q db.Queryer, t *Team) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO teams (name, description, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
		t.Name, t.Description, db.Time(t.CreatedAt)).Scan(&t.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a team named %q already exists", t.Name)
	}
	if err != nil {
		return fmt.Errorf("team: insert: %w", err)
	}
	return nil
}

func saveTeam(ctx context.Context, q db.Queryer, t *Team) error {
	_, err := q.ExecContext(ctx, `UPDATE teams SET name = $1, description = $2, updated_at = $3 WHERE id = $4`,
		t.Name, t.Description, db.Time(t.UpdatedAt), t.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a team named %q already exists", t.Name)
	}
	if err != nil {
		return fmt.Errorf("team: save %d: %w", t.ID, err)
	}
	return nil
}

// replaceMembers makes ids the team's members, after checking each is a
// user who can work tickets.
func replaceMembers(ctx context.Context, q db.Queryer, teamID int64, ids []int64) error {
	for _, id := range ids {
		if err := checkAgent(ctx, q, id); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1`, teamID); err != nil {
		return fmt.Errorf("team: clear members of %d: %w", teamID, err)
	}
	for _, id := range ids {
		_, err := q.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, teamID, id)
		if err != nil {
			return fmt.Errorf("team: add member %d to %d: %w", id, teamID, err)
		}
	}
	return nil
}

func checkAgent(ctx context.Context, q db.Queryer, userID int64) error {
	var disabled bool
	err := q.QueryRowContext(ctx, `SELECT disabled_at IS NOT NULL FROM users WHERE id = $1`, userID).Scan(&disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Unprocessable("member_ids", "no user has id %d", userID)
	}
	if err != nil {
		return fmt.Errorf("team: check user %d: %w", userID, err)
	}
	if disabled {
		return apperr.Unprocessable("member_ids", "user %d is disabled", userID)
	}
	return nil
}

// ticketCount counts the tickets routed to a team, which keep it from being
// deleted: removing it would change their history without an event.
func ticketCount(ctx context.Context, q db.Queryer, teamID int64) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE team_id = $1`, teamID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("team: count tickets of %d: %w", teamID, err)
	}
	return n, nil
}

func deleteTeam(ctx context.Context, q db.Queryer, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM teams WHERE id = $1`, id); err != nil {
		return fmt.Errorf("team: delete %d: %w", id, err)
	}
	return nil
}
