// Package settings keeps instance-wide settings that admins change at run
// time (as opposed to the start-up configuration in package config).
package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Settings are the instance-wide settings, with their defaults.
type Settings struct {
	// Require2FA makes every user enrol a second factor before working.
	Require2FA bool `json:"require_2fa"`
}

// Patch is a partial update: nil fields are left as they are.
type Patch struct {
	Require2FA *bool `json:"require_2fa"`
}

// Store reads and writes settings.
type Store struct{ db *db.DB }

// NewStore returns a Store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Get returns the current settings.
func (s *Store) Get(ctx context.Context) (Settings, error) {
	var out Settings
	v, err := s.value(ctx, s.db.Read(), "require_2fa")
	if err != nil {
		return out, err
	}
	out.Require2FA, _ = strconv.ParseBool(v)
	return out, nil
}

func (s *Store) value(ctx context.Context, q db.Queryer, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("settings: read %s: %w", key, err)
	}
	return v, nil
}

// Update applies p and records the change in the audit log.
func (s *Store) Update(ctx context.Context, p Patch) (Settings, error) {
	if p.Require2FA == nil {
		return Settings{}, apperr.Invalid("", "nothing to change")
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.value(ctx, tx, "require_2fa")
		if err != nil {
			return err
		}
		after := strconv.FormatBool(*p.Require2FA)
		if err := put(ctx, tx, "require_2fa", after); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "settings.updated", "setting", "require_2fa",
			map[string]any{"before": before, "after": after})
	})
	if err != nil {
		return Settings{}, err
	}
	return s.Get(ctx)
}

func put(ctx context.Context, q db.Queryer, key, value string) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, db.Time(db.Now()))
	if err != nil {
		return fmt.Errorf("settings: write %s: %w", key, err)
	}
	return nil
}
