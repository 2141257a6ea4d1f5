package schedule

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// ChangeHook runs inside the transaction that changes or deletes a
// schedule, so that what depends on business hours (SLA clocks) moves its
// deadlines with the same commit.
type ChangeHook func(ctx context.Context, tx *sql.Tx, scheduleID int64) error

// Service manages schedules. Changes are leads' work, so each is audited.
type Service struct {
	db       *db.DB
	now      func() time.Time
	onChange []ChangeHook
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

// OnChange registers h; register before the Service is in use.
func (s *Service) OnChange(h ChangeHook) { s.onChange = append(s.onChange, h) }

func (s *Service) changed(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, h := range s.onChange {
		if err := h(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// Create adds a schedule; names are unique. A default schedule replaces the
// desk's previous default; team_ids move those teams onto it.
func (s *Service) Create(ctx context.Context, n NewSchedule) (*Schedule, error) {
	now := s.now()
	sc := &Schedule{Name: n.Name, TimeZone: n.TimeZone, Intervals: n.Intervals, Holidays: n.Holidays,
		Default: n.Default, CreatedAt: now, UpdatedAt: now}
	if sc.Holidays == nil {
		sc.Holidays = []string{}
	}
	if err := check(sc); err != nil {
		return nil, err
	}
	teams, err := uniqueTeamIDs(n.TeamIDs)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insert(ctx, tx, sc); err != nil {
			return err
		}
		if err := s.saveLinks(ctx, tx, sc, teams); err != nil {
			return err
		}
		if err := s.changed(ctx, tx, sc.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "schedule.created", "schedule", sc.ID, map[string]any{"name": sc.Name})
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func (s *Service) saveLinks(ctx context.Context, tx *sql.Tx, sc *Schedule, teams []int64) error {
	if sc.Default {
		if err := clearDefault(ctx, tx, sc.ID); err != nil {
			return err
		}
	}
	if teams == nil {
		return nil
	}
	if err := replaceTeams(ctx, tx, sc.ID, teams); err != nil {
		return err
	}
	sc.TeamIDs = teams
	return nil
}

// Get returns a schedule with its teams.
func (s *Service) Get(ctx context.Context, id int64) (*Schedule, error) {
	return get(ctx, s.db.Reader(ctx), id)
}

// List returns every schedule by name.
func (s *Service) List(ctx context.Context) ([]*Schedule, error) {
	return list(ctx, s.db.Reader(ctx))
}

// Update applies p to a schedule.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Schedule, error) {
	var sc *Schedule
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if sc, err = get(ctx, tx, id); err != nil {
			return err
		}
		apply(sc, p)
		if err := check(sc); err != nil {
			return err
		}
		var teams []int64
		if p.TeamIDs != nil {
			if teams, err = uniqueTeamIDs(*p.TeamIDs); err != nil {
				return err
			}
		}
		sc.UpdatedAt = s.now()
		if err := save(ctx, tx, sc); err != nil {
			return err
		}
		if err := s.saveLinks(ctx, tx, sc, teams); err != nil {
			return err
		}
		if err := s.changed(ctx, tx, sc.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "schedule.updated", "schedule", sc.ID, map[string]any{"name": sc.Name})
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func apply(sc *Schedule, p Patch) {
	if p.Name != nil {
		sc.Name = *p.Name
	}
	if p.TimeZone != nil {
		sc.TimeZone = *p.TimeZone
	}
	if p.Intervals != nil {
		sc.Intervals = *p.Intervals
	}
	if p.Holidays != nil {
		sc.Holidays = *p.Holidays
	}
	if p.Default != nil {
		sc.Default = *p.Default
	}
}

// ImportICal adds the holidays of an iCalendar file to a schedule and
// returns the schedule.
func (s *Service) ImportICal(ctx context.Context, id int64, text string) (*Schedule, error) {
	days, err := ParseICal(text)
	if err != nil {
		return nil, err
	}
	sc, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	all := append(sc.Holidays, days...)
	return s.Update(ctx, id, Patch{Holidays: &all})
}

// Delete removes a schedule; its teams fall back to the desk's default.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sc, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := remove(ctx, tx, id); err != nil {
			return err
		}
		if err := s.changed(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "schedule.deleted", "schedule", id, map[string]any{"name": sc.Name})
	})
}

// Deadline is the moment the given business minutes have passed after
// start on schedule id: what an SLA clock on it would say.
func (s *Service) Deadline(ctx context.Context, id int64, start time.Time, minutes int) (time.Time, error) {
	if minutes < 0 {
		return time.Time{}, apperr.Invalid("business_minutes", "must not be negative")
	}
	if minutes > 366*24*60 {
		return time.Time{}, apperr.Invalid("business_minutes", "must be at most a year of minutes")
	}
	sc, err := s.Get(ctx, id)
	if err != nil {
		return time.Time{}, err
	}
	cal, err := sc.Calendar()
	if err != nil {
		return time.Time{}, err
	}
	due, err := cal.Deadline(start, minutes)
	if errors.Is(err, ErrNoOpenTime) {
		return time.Time{}, apperr.Unprocessable("business_minutes", "schedule %q has no open time to reach it", sc.Name)
	}
	return due, err
}
