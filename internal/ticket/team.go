package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Team is a group of agents that tickets can be routed to.
type Team struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// NewTeam is what it takes to create a team.
type NewTeam struct {
	Name string `json:"name"`
}

// CreateTeam adds a team; names are unique.
func (s *Service) CreateTeam(ctx context.Context, n NewTeam) (*Team, error) {
	name := strings.TrimSpace(n.Name)
	switch {
	case name == "":
		return nil, apperr.Invalid("name", "is required")
	case utf8.RuneCountInString(name) > 100:
		return nil, apperr.Invalid("name", "is longer than 100 characters")
	}
	t := &Team{Name: name, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id`,
			t.Name, db.Time(t.CreatedAt)).Scan(&t.ID)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("name", "a team named %q already exists", t.Name)
		}
		if err != nil {
			return fmt.Errorf("ticket: insert team: %w", err)
		}
		return audit.Record(ctx, tx, "team.created", "team", t.ID, map[string]any{"name": t.Name})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Teams lists every team by name.
func (s *Service) Teams(ctx context.Context) ([]*Team, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, created_at FROM teams ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("ticket: list teams: %w", err)
	}
	defer rows.Close()
	var out []*Team
	for rows.Next() {
		var t Team
		if err := rows.Scan(&t.ID, &t.Name, db.ScanTime(&t.CreatedAt)); err != nil {
			return nil, fmt.Errorf("ticket: scan team: %w", err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}
