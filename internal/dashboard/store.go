package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

const dashboardColumns = `d.id, d.name, d.owner_id, d.shared_with, d.team_id, d.widgets, d.created_at, d.updated_at`

// visibleTo is the condition (and its arguments, from $first) that keeps
// the dashboards u may open: all for admins; else their own, those shared
// with everyone, and those shared with a team they are in.
func visibleTo(u *user.User, first int) (string, []any) {
	if u.IsAdmin() {
		return "TRUE", nil
	}
	p := fmt.Sprintf("$%d", first)
	return `(d.owner_id = ` + p + ` OR d.shared_with = 'everyone' OR (d.shared_with = 'team' AND d.team_id IN
		(SELECT m.team_id FROM team_members m WHERE m.user_id = ` + p + `)))`, []any{u.ID}
}

func scanDashboard(row interface{ Scan(...any) error }) (*Dashboard, error) {
	var d Dashboard
	var team sql.NullInt64
	var widgets string
	err := row.Scan(&d.ID, &d.Name, &d.OwnerID, &d.SharedWith, &team, &widgets,
		db.ScanTime(&d.CreatedAt), db.ScanTime(&d.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if team.Valid {
		d.TeamID = &team.Int64
	}
	if err := json.Unmarshal([]byte(widgets), &d.Widgets); err != nil {
		return nil, fmt.Errorf("dashboard %d: widgets: %w", d.ID, err)
	}
	return &d, nil
}

func listVisible(ctx context.Context, q db.Queryer, u *user.User) ([]*Dashboard, error) {
	cond, args := visibleTo(u, 1)
	rows, err := q.QueryContext(ctx, `SELECT `+dashboardColumns+` FROM dashboards d WHERE `+cond+
		` ORDER BY d.name, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("dashboard: list: %w", err)
	}
	defer rows.Close()
	var out []*Dashboard
	for rows.Next() {
		d, err := scanDashboard(rows)
		if err != nil {
			return nil, fmt.Errorf("dashboard: scan: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// getVisible is dashboard id if u may open it; "not found" otherwise, so a
// dashboard nobody shared with u does not even show that it exists.
func getVisible(ctx context.Context, q db.Queryer, u *user.User, id int64) (*Dashboard, error) {
	cond, args := visibleTo(u, 2)
	d, err := scanDashboard(q.QueryRowContext(ctx, `SELECT `+dashboardColumns+` FROM dashboards d WHERE d.id = $1 AND `+cond,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("dashboard")
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard: get %d: %w", id, err)
	}
	return d, nil
}

func insertDashboard(ctx context.Context, tx *sql.Tx, d *Dashboard) error {
	widgets, err := json.Marshal(d.Widgets)
	if err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO dashboards (name, owner_id, shared_with, team_id, widgets, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, d.Name, d.OwnerID, d.SharedWith, d.TeamID, string(widgets),
		db.Time(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("dashboard: insert: %w", err)
	}
	return nil
}

func updateDashboard(ctx context.Context, tx *sql.Tx, d *Dashboard) error {
	widgets, err := json.Marshal(d.Widgets)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE dashboards SET name = $1, shared_with = $2, team_id = $3, widgets = $4,
		updated_at = $5 WHERE id = $6`, d.Name, d.SharedWith, d.TeamID, string(widgets), db.Time(d.UpdatedAt), d.ID)
	if err != nil {
		return fmt.Errorf("dashboard: update %d: %w", d.ID, err)
	}
	return nil
}

func teamExists(ctx context.Context, q db.Queryer, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1`, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("dashboard: team %d: %w", id, err)
	}
	return n > 0, nil
}
