package user

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/timezone"
)

// SetTimeZone sets the zone pages show the user times in, refusing a name
// that is not an IANA zone.
func (s *Service) SetTimeZone(ctx context.Context, id int64, name string) (*User, error) {
	if _, err := timezone.Check("time_zone", name); err != nil {
		return nil, err
	}
	return s.setTimeZone(ctx, id, name, func(*User) bool { return true })
}

// AdoptTimeZone sets the zone a browser reported at sign-in, for a user who
// has none yet: a person's own choice is never overwritten by where their
// laptop happens to be. A name that is not a zone (an old browser's, or a
// forged form) is ignored rather than failing the sign-in.
func (s *Service) AdoptTimeZone(ctx context.Context, id int64, name string) error {
	if _, err := timezone.Check("time_zone", name); err != nil {
		return nil
	}
	_, err := s.setTimeZone(ctx, id, name, func(u *User) bool { return u.TimeZone == "" })
	return err
}

// setTimeZone writes name as id's zone when change allows it and the zone
// differs, recording the change in the audit log.
func (s *Service) setTimeZone(ctx context.Context, id int64, name string, change func(*User) bool) (*User, error) {
	var out *User
	err := s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = u
		if !change(u) || u.TimeZone == name {
			return nil
		}
		before := u.TimeZone
		u.TimeZone = name
		if err := saveUser(ctx, tx, u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user.updated", "user", u.ID, map[string]any{"time_zone": []string{before, name}})
	})
	return out, err
}
