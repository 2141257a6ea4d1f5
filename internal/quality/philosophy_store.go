package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const valueColumns = `id, name, code, colour, description, position, meaning, in_action, misread,
	judged_by, relationships, created_at, updated_at`

func scanValue(row scanner) (Value, error) {
	var v Value
	err := row.Scan(&v.ID, &v.Name, &v.Code, &v.Colour, &v.Description, &v.Position, &v.Meaning,
		&v.InAction, &v.Misread, &v.JudgedBy, &v.Relationships, db.ScanTime(&v.CreatedAt), db.ScanTime(&v.UpdatedAt))
	return v, err
}

func loadPhilosophy(ctx context.Context, q db.Queryer) (*Philosophy, error) {
	p := &Philosophy{}
	err := q.QueryRowContext(ctx, `SELECT vision, updated_at, updated_by FROM philosophy WHERE id = 1`).
		Scan(&p.Vision, db.ScanTime(&p.UpdatedAt), &p.UpdatedBy)
	if err != nil {
		return nil, fmt.Errorf("quality: read philosophy: %w", err)
	}
	if p.Values, err = listValues(ctx, q); err != nil {
		return nil, err
	}
	p.Warning = tooManyValues(len(p.Values))
	return p, nil
}

func listValues(ctx context.Context, q db.Queryer) ([]Value, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+valueColumns+` FROM team_values ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("quality: list values: %w", err)
	}
	defer rows.Close()
	out := []Value{}
	for rows.Next() {
		v, err := scanValue(rows)
		if err != nil {
			return nil, fmt.Errorf("quality: scan value: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func getValue(ctx context.Context, q db.Queryer, id int64) (Value, error) {
	v, err := scanValue(q.QueryRowContext(ctx, `SELECT `+valueColumns+` FROM team_values WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.NotFound("value")
	}
	if err != nil {
		return v, fmt.Errorf("quality: get value %d: %w", id, err)
	}
	return v, nil
}

// valueCount returns how many values there are and the next free position.
func valueCount(ctx context.Context, q db.Queryer) (n, next int, err error) {
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(position) + 1, 0) FROM team_values`).Scan(&n, &next)
	if err != nil {
		return 0, 0, fmt.Errorf("quality: count values: %w", err)
	}
	return n, next, nil
}

func codeTaken(err error, code string) error {
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("code", "another value already has the code %q", code)
	}
	return err
}

func insertValue(ctx context.Context, q db.Queryer, v *Value) error {
	err := q.QueryRowContext(ctx, `INSERT INTO team_values (name, code, colour, description, position, meaning,
		in_action, misread, judged_by, relationships, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		v.Name, v.Code, v.Colour, v.Description, v.Position, v.Meaning, v.InAction, v.Misread, v.JudgedBy,
		v.Relationships, db.Time(v.CreatedAt), db.Time(v.UpdatedAt)).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("quality: insert value: %w", codeTaken(err, v.Code))
	}
	return nil
}

func updateValue(ctx context.Context, q db.Queryer, v *Value) error {
	_, err := q.ExecContext(ctx, `UPDATE team_values SET name = $1, code = $2, colour = $3, description = $4,
		position = $5, meaning = $6, in_action = $7, misread = $8, judged_by = $9, relationships = $10,
		updated_at = $11 WHERE id = $12`,
		v.Name, v.Code, v.Colour, v.Description, v.Position, v.Meaning, v.InAction, v.Misread, v.JudgedBy,
		v.Relationships, db.Time(v.UpdatedAt), v.ID)
	if err != nil {
		return fmt.Errorf("quality: update value %d: %w", v.ID, codeTaken(err, v.Code))
	}
	return nil
}

// replaceValues makes values the whole set: listed ids are updated, new
// ones inserted, the rest deleted. Codes are parked on a placeholder first
// so that two values can swap codes without a passing unique violation.
func replaceValues(ctx context.Context, tx *sql.Tx, values []Value, now time.Time) error {
	existing, err := listValues(ctx, tx)
	if err != nil {
		return err
	}
	keep := map[int64]Value{}
	for _, v := range values {
		if v.ID != 0 {
			keep[v.ID] = v
		}
	}
	old := map[int64]Value{}
	for _, e := range existing {
		old[e.ID] = e
		if _, ok := keep[e.ID]; !ok {
			if _, err := tx.ExecContext(ctx, `DELETE FROM team_values WHERE id = $1`, e.ID); err != nil {
				return fmt.Errorf("quality: delete value %d: %w", e.ID, err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE team_values SET code = $1 WHERE id = $2`,
			fmt.Sprintf("~%d", e.ID), e.ID); err != nil {
			return fmt.Errorf("quality: park code of %d: %w", e.ID, err)
		}
	}
	for i, v := range values {
		v.UpdatedAt = now
		if v.ID == 0 {
			v.CreatedAt = now
			if err := insertValue(ctx, tx, &v); err != nil {
				return err
			}
			continue
		}
		prev, ok := old[v.ID]
		if !ok {
			return apperr.Unprocessable(fmt.Sprintf("values[%d].id", i), "no value has id %d", v.ID)
		}
		v.CreatedAt = prev.CreatedAt
		if err := updateValue(ctx, tx, &v); err != nil {
			return err
		}
	}
	return nil
}

func setVision(ctx context.Context, q db.Queryer, vision string, by int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE philosophy SET vision = $1, updated_by = $2, updated_at = $3 WHERE id = 1`,
		vision, by, db.Time(now))
	if err != nil {
		return fmt.Errorf("quality: set vision: %w", err)
	}
	return nil
}
