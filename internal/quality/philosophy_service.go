package quality

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// VersionInfo describes one saved version of the philosophy.
type VersionInfo struct {
	ID        int64     `json:"id"`
	Change    string    `json:"change"`
	AuthorID  *int64    `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
}

// Version is a saved philosophy as it was after one change.
type Version struct {
	VersionInfo
	Philosophy Philosophy `json:"philosophy"`
}

// Philosophy returns the vision and the values in order.
func (s *Service) Philosophy(ctx context.Context) (*Philosophy, error) {
	return loadPhilosophy(ctx, s.db.Reader(ctx))
}

// PutPhilosophy replaces the vision and the whole set of values, and saves
// a version.
func (s *Service) PutPhilosophy(ctx context.Context, who *user.User, in PhilosophyInput) (*Philosophy, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	vision, err := apperr.CheckText("vision", in.Vision, MaxVision, false)
	if err != nil {
		return nil, err
	}
	values, err := checkValueSet(in.Values)
	if err != nil {
		return nil, err
	}
	var p *Philosophy
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		if err := replaceValues(ctx, tx, values, now); err != nil {
			return err
		}
		if err := setVision(ctx, tx, vision, who.ID, now); err != nil {
			return err
		}
		p, err = s.saveVersion(ctx, tx, who, "philosophy.updated")
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// checkValueSet validates a whole set of values, whose codes must differ.
func checkValueSet(ins []ValueInput) ([]Value, error) {
	if len(ins) > MaxValues {
		return nil, apperr.Invalid("values", "at most %d values (and %d are suggested)", MaxValues, MaxSuggestedValues)
	}
	out := make([]Value, 0, len(ins))
	codes := map[string]bool{}
	ids := map[int64]bool{}
	for i, in := range ins {
		v, err := in.checked()
		if err != nil {
			if e, ok := apperr.As(err); ok {
				e.Field = fmt.Sprintf("values[%d].%s", i, e.Field)
			}
			return nil, err
		}
		if codes[v.Code] {
			return nil, apperr.Invalid(fmt.Sprintf("values[%d].code", i), "%q is used by another value", v.Code)
		}
		if in.ID != 0 && ids[in.ID] {
			return nil, apperr.Invalid(fmt.Sprintf("values[%d].id", i), "value %d is listed twice", in.ID)
		}
		codes[v.Code], ids[in.ID] = true, true
		v.ID, v.Position = in.ID, i
		out = append(out, v)
	}
	return out, nil
}

// CreateValue adds a value, last unless a position is given.
func (s *Service) CreateValue(ctx context.Context, who *user.User, in ValueInput) (*ValueResult, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	v, err := in.checked()
	if err != nil {
		return nil, err
	}
	var p *Philosophy
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, next, err := valueCount(ctx, tx)
		if err != nil {
			return err
		}
		if n >= MaxValues {
			return apperr.Unprocessable("values", "at most %d values (and %d are suggested)", MaxValues, MaxSuggestedValues)
		}
		if in.Position == nil {
			v.Position = next
		}
		v.CreatedAt, v.UpdatedAt = s.now(), s.now()
		if err := insertValue(ctx, tx, &v); err != nil {
			return err
		}
		p, err = s.saveVersion(ctx, tx, who, "value.created")
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ValueResult{Value: v, Warning: p.Warning}, nil
}

// UpdateValue applies p to a value.
func (s *Service) UpdateValue(ctx context.Context, who *user.User, id int64, patch ValuePatch) (*ValueResult, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	var (
		v Value
		p *Philosophy
	)
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := getValue(ctx, tx, id)
		if err != nil {
			return err
		}
		if v, err = patch.apply(old.input()).checked(); err != nil {
			return err
		}
		v.ID, v.CreatedAt, v.UpdatedAt = id, old.CreatedAt, s.now()
		if err := updateValue(ctx, tx, &v); err != nil {
			return err
		}
		p, err = s.saveVersion(ctx, tx, who, "value.updated")
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ValueResult{Value: v, Warning: p.Warning}, nil
}

// DeleteValue removes a value. Scorecard categories made from it keep their
// name, so past reviews still read.
func (s *Service) DeleteValue(ctx context.Context, who *user.User, id int64) error {
	if err := requireLead(who); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := getValue(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_values WHERE id = $1`, id); err != nil {
			return fmt.Errorf("quality: delete value %d: %w", id, err)
		}
		_, err := s.saveVersion(ctx, tx, who, "value.deleted")
		return err
	})
}

// saveVersion stores the philosophy as it now is in tx, audits the change,
// and returns it.
func (s *Service) saveVersion(ctx context.Context, tx *sql.Tx, who *user.User, change string) (*Philosophy, error) {
	_, err := tx.ExecContext(ctx, `UPDATE philosophy SET updated_by = $1, updated_at = $2 WHERE id = 1`,
		who.ID, db.Time(s.now()))
	if err != nil {
		return nil, fmt.Errorf("quality: touch philosophy: %w", err)
	}
	p, err := loadPhilosophy(ctx, tx)
	if err != nil {
		return nil, err
	}
	content, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("quality: encode philosophy: %w", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO philosophy_versions (change, content, author_id, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, change, string(content), who.ID, db.Time(s.now())).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("quality: save philosophy version: %w", err)
	}
	return p, audit.Record(ctx, tx, change, "philosophy_version", id, map[string]any{"values": len(p.Values)})
}

// Versions lists the saved versions of the philosophy, newest first.
func (s *Service) Versions(ctx context.Context) ([]VersionInfo, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx,
		`SELECT id, change, author_id, created_at FROM philosophy_versions ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("quality: list versions: %w", err)
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		if err := rows.Scan(&v.ID, &v.Change, &v.AuthorID, db.ScanTime(&v.CreatedAt)); err != nil {
			return nil, fmt.Errorf("quality: scan version: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version reads one saved version back.
func (s *Service) Version(ctx context.Context, id int64) (*Version, error) {
	var (
		v       Version
		content string
	)
	err := s.db.Reader(ctx).QueryRowContext(ctx,
		`SELECT id, change, author_id, created_at, content FROM philosophy_versions WHERE id = $1`, id).
		Scan(&v.ID, &v.Change, &v.AuthorID, db.ScanTime(&v.CreatedAt), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("version")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get version %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(content), &v.Philosophy); err != nil {
		return nil, fmt.Errorf("quality: decode version %d: %w", id, err)
	}
	return &v, nil
}
