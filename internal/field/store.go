package field

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const columns = `id, key, label, type, options, required_on_solve, archived_at, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (*Field, error) {
	var (
		f       Field
		options string
	)
	err := row.Scan(&f.ID, &f.Key, &f.Label, &f.Type, &options, &f.RequiredOnSolve,
		db.ScanNullTime(&f.ArchivedAt), db.ScanTime(&f.CreatedAt), db.ScanTime(&f.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(options), &f.Options); err != nil {
		return nil, fmt.Errorf("field: options of %q: %w", f.Key, err)
	}
	if f.Options == nil {
		f.Options = []string{}
	}
	f.Archived = f.ArchivedAt != nil
	return &f, nil
}

// Get returns the field with id, archived or not.
func Get(ctx context.Context, q db.Queryer, id int64) (*Field, error) {
	f, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM custom_fields WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("custom field")
	}
	if err != nil {
		return nil, fmt.Errorf("field: get %d: %w", id, err)
	}
	return f, nil
}

// ByKeys returns the fields with the given keys, archived or not, by key.
// Keys that match no field are absent from the map; the caller decides how
// to name them.
func ByKeys(ctx context.Context, q db.Queryer, keys []string) (map[string]*Field, error) {
	out := make(map[string]*Field, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	marks := make([]string, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = k
	}
	return out, query(ctx, q, out, `SELECT `+columns+` FROM custom_fields
		WHERE key IN (`+strings.Join(marks, ", ")+`)`, args...)
}

// RequiredOnSolve returns the active fields a ticket must have a value for
// before it is solved or closed, by key.
func RequiredOnSolve(ctx context.Context, q db.Queryer) (map[string]*Field, error) {
	out := map[string]*Field{}
	return out, query(ctx, q, out, `SELECT `+columns+` FROM custom_fields
		WHERE required_on_solve AND archived_at IS NULL`)
}

func query(ctx context.Context, q db.Queryer, into map[string]*Field, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("field: query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scan(rows)
		if err != nil {
			return fmt.Errorf("field: scan: %w", err)
		}
		into[f.Key] = f
	}
	return rows.Err()
}

// list returns every field, archived ones when asked, in creation order.
func list(ctx context.Context, q db.Queryer, archived *bool) ([]*Field, error) {
	where := ""
	if archived != nil && *archived {
		where = ` WHERE archived_at IS NOT NULL`
	} else if archived != nil {
		where = ` WHERE archived_at IS NULL`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM custom_fields`+where+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("field: list: %w", err)
	}
	defer rows.Close()
	out := []*Field{}
	for rows.Next() {
		f, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("field: scan: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func insert(ctx context.Context, q db.Queryer, f *Field) error {
	options, err := json.Marshal(f.Options)
	if err != nil {
		return fmt.Errorf("field: encode options: %w", err)
	}
	err = q.QueryRowContext(ctx, `
		INSERT INTO custom_fields (key, label, type, options, required_on_solve, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		f.Key, f.Label, f.Type, string(options), f.RequiredOnSolve, db.Time(f.CreatedAt)).Scan(&f.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("key", "a custom field with key %q already exists", f.Key)
	}
	if err != nil {
		return fmt.Errorf("field: insert: %w", err)
	}
	return nil
}

func save(ctx context.Context, q db.Queryer, f *Field) error {
	options, err := json.Marshal(f.Options)
	if err != nil {
		return fmt.Errorf("field: encode options: %w", err)
	}
	_, err = q.ExecContext(ctx, `
		UPDATE custom_fields SET label = $1, options = $2, required_on_solve = $3, archived_at = $4,
			updated_at = $5
		WHERE id = $6`,
		f.Label, string(options), f.RequiredOnSolve, db.NullTime(f.ArchivedAt), db.Time(f.UpdatedAt), f.ID)
	if err != nil {
		return fmt.Errorf("field: save %d: %w", f.ID, err)
	}
	return nil
}
