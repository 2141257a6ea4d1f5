package view

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const viewColumns = `id, name, owner_id, team_id, filters, sort_by, sort_asc, columns, created_at, updated_at`

func scanView(row interface{ Scan(...any) error }) (*View, error) {
	var (
		v             View
		owner         int64
		team          sql.NullInt64
		filters, cols string
	)
	err := row.Scan(&v.id, &v.Name, &owner, &team, &filters, &v.Sort, &v.Ascending, &cols,
		db.ScanTime(&v.CreatedAt), db.ScanTime(&v.UpdatedAt))
	if err != nil {
		return nil, err
	}
	v.ID = strconv.FormatInt(v.id, 10)
	v.OwnerID = &owner
	if team.Valid {
		v.TeamID = &team.Int64
	}
	if err := json.Unmarshal([]byte(filters), &v.Filters); err != nil {
		return nil, fmt.Errorf("view %d: filters: %w", v.id, err)
	}
	if err := json.Unmarshal([]byte(cols), &v.Columns); err != nil {
		return nil, fmt.Errorf("view %d: columns: %w", v.id, err)
	}
	return &v, nil
}

func getView(ctx context.Context, q db.Queryer, id int64) (*View, error) {
	v, err := scanView(q.QueryRowContext(ctx, `SELECT `+viewColumns+` FROM views WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("view")
	}
	if err != nil {
		return nil, fmt.Errorf("view: get %d: %w", id, err)
	}
	return v, nil
}

// visibleViews lists the views userID owns, then those shared with the
// teams userID is in, each by name.
func visibleViews(ctx context.Context, q db.Queryer, userID int64) ([]*View, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+viewColumns+` FROM views
		WHERE owner_id = $1
		   OR team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
		ORDER BY CASE WHEN owner_id = $1 THEN 0 ELSE 1 END, name, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("view: list: %w", err)
	}
	defer rows.Close()
	var out []*View
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, fmt.Errorf("view: scan: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func encode(v *View) (filters, cols string) {
	f, _ := json.Marshal(v.Filters)
	c, _ := json.Marshal(v.Columns)
	return string(f), string(c)
}

func insertView(ctx context.Context, tx *sql.Tx, v *View) error {
	filters, cols := encode(v)
	err := tx.QueryRowContext(ctx, `INSERT INTO views
		(name, owner_id, team_id, filters, sort_by, sort_asc, columns, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		v.Name, *v.OwnerID, v.TeamID, filters, v.Sort, v.Ascending, cols,
		db.Time(v.CreatedAt), db.Time(v.UpdatedAt)).Scan(&v.id)
	if err != nil {
		return fmt.Errorf("view: insert: %w", err)
	}
	v.ID = strconv.FormatInt(v.id, 10)
	return nil
}

func saveView(ctx context.Context, tx *sql.Tx, v *View) error {
	filters, cols := encode(v)
	_, err := tx.ExecContext(ctx, `UPDATE views SET name = $1, team_id = $2, filters = $3,
		sort_by = $4, sort_asc = $5, columns = $6, updated_at = $7 WHERE id = $8`,
		v.Name, v.TeamID, filters, v.Sort, v.Ascending, cols, db.Time(v.UpdatedAt), v.id)
	if err != nil {
		return fmt.Errorf("view: save %d: %w", v.id, err)
	}
	return nil
}

func deleteView(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM views WHERE id = $1`, id); err != nil {
		return fmt.Errorf("view: delete %d: %w", id, err)
	}
	return nil
}

func ownedCount(ctx context.Context, q db.Queryer, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM views WHERE owner_id = $1`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("view: count: %w", err)
	}
	return n, nil
}

// isMember reports whether userID is in teamID.
func isMember(ctx context.Context, q db.Queryer, teamID, userID int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2`,
		teamID, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("view: team membership: %w", err)
	}
	return true, nil
}

// exists reports whether table has a row with id; table is one of a fixed
// few, never input.
func exists(ctx context.Context, q db.Queryer, table string, id int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("view: check %s %d: %w", table, id, err)
	}
	return true, nil
}

// anySaved reports whether anyone has saved a view.
func anySaved(ctx context.Context, q db.Queryer) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM views LIMIT 1) x`).Scan(&n); err != nil {
		return false, fmt.Errorf("view: any saved: %w", err)
	}
	return n > 0, nil
}
