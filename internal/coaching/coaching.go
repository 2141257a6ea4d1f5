package coaching

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
)

// SettingVisibleToAgents names the instance setting that, when "true",
// lets every user read every coaching session (a team that coaches in the
// open). It is off by default.
const SettingVisibleToAgents = "coaching_visible_to_agents"

// Limits of what a session or concern holds.
const (
	MaxNotes   = 20000 // characters
	MaxAction  = 500
	MaxActions = 30
	MaxLinks   = 30
	MaxConcern = 5000
	MaxOutcome = 5000
)

// Service keeps coaching sessions and concerns.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

func requireUser(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	return nil
}

func requireLead(u *user.User) error {
	if err := requireUser(u); err != nil {
		return err
	}
	if !u.IsLead() {
		return apperr.Forbidden("only leads and admins may do this")
	}
	return nil
}

// VisibleToAgents reports whether SettingVisibleToAgents is on.
func (s *Service) VisibleToAgents(ctx context.Context) (bool, error) {
	return visibleToAgents(ctx, s.db.Reader(ctx))
}

func visibleToAgents(ctx context.Context, q db.Queryer) (bool, error) {
	v, err := settings.Value(ctx, q, SettingVisibleToAgents)
	if err != nil {
		return false, err
	}
	on, _ := strconv.ParseBool(v) // never set, or not a boolean: off
	return on, nil
}

// SetVisibleToAgents turns SettingVisibleToAgents on or off; leads only.
func (s *Service) SetVisibleToAgents(ctx context.Context, who *user.User, on bool) error {
	if err := requireLead(who); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := settings.PutTx(ctx, tx, SettingVisibleToAgents, strconv.FormatBool(on), s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "settings.updated", "settings", SettingVisibleToAgents,
			map[string]any{SettingVisibleToAgents: on})
	})
}

// exists reports whether table has a row with id; table is always a
// literal of this package.
func exists(ctx context.Context, q db.Queryer, table string, id int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("coaching: look up %s %d: %w", table, id, err)
	}
	return n > 0, nil
}

type scanner interface{ Scan(...any) error }
