package macro

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const macroColumns = `id, name, body, owner_id, actions, created_at, updated_at`

func scanMacro(row interface{ Scan(...any) error }) (*Macro, error) {
	var (
		m       Macro
		actions string
	)
	err := row.Scan(&m.ID, &m.Name, &m.Body, &m.OwnerID, &actions, db.ScanTime(&m.CreatedAt), db.ScanTime(&m.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(actions), &m.Actions); err != nil {
		return nil, fmt.Errorf("macro: decode actions of %d: %w", m.ID, err)
	}
	m.Shared = m.OwnerID == nil
	return &m, nil
}

func getMacro(ctx context.Context, q db.Queryer, id int64) (*Macro, error) {
	m, err := scanMacro(q.QueryRowContext(ctx, `SELECT `+macroColumns+` FROM macros WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("macro")
	}
	if err != nil {
		return nil, fmt.Errorf("macro: get %d: %w", id, err)
	}
	return m, nil
}

// listVisible returns the shared macros and userID's own, by name.
func listVisible(ctx context.Context, q db.Queryer, userID int64) ([]*Macro, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+macroColumns+` FROM macros
		WHERE owner_id IS NULL OR owner_id = $1 ORDER BY name, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("macro: list: %w", err)
	}
	defer rows.Close()
	out := []*Macro{}
	for rows.Next() {
		m, err := scanMacro(rows)
		if err != nil {
			return nil, fmt.Errorf("macro: scan: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func insertMacro(ctx context.Context, q db.Queryer, m *Macro, createdBy int64) error {
	actions, err := json.Marshal(m.Actions)
	if err != nil {
		return fmt.Errorf("macro: encode actions: %w", err)
	}
	err = q.QueryRowContext(ctx, `INSERT INTO macros (name, body, owner_id, actions, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.Name, m.Body, m.OwnerID, string(actions), createdBy, db.Time(m.CreatedAt), db.Time(m.UpdatedAt)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("macro: insert: %w", err)
	}
	return nil
}

func saveMacro(ctx context.Context, q db.Queryer, m *Macro) error {
	actions, err := json.Marshal(m.Actions)
	if err != nil {
		return fmt.Errorf("macro: encode actions: %w", err)
	}
	_, err = q.ExecContext(ctx, `UPDATE macros SET name = $1, body = $2, owner_id = $3, actions = $4, updated_at = $5
		WHERE id = $6`, m.Name, m.Body, m.OwnerID, string(actions), db.Time(m.UpdatedAt), m.ID)
	if err != nil {
		return fmt.Errorf("macro: save %d: %w", m.ID, err)
	}
	return nil
}

func deleteMacro(ctx context.Context, q db.Queryer, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM macros WHERE id = $1`, id); err != nil {
		return fmt.Errorf("macro: delete %d: %w", id, err)
	}
	return nil
}

// activeUser reports whether id is an active user, for assignee actions.
func activeUser(ctx context.Context, q db.Queryer, id int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("macro: check user %d: %w", id, err)
	}
	return true, nil
}
