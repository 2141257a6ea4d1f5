package schedule

import (
	"context"
	"time"
)

// DeskZone is the desk's own time zone: that of its default schedule, or
// UTC while it has none. Plans and boards read the desk's hours in it.
func (s *Service) DeskZone(ctx context.Context) (*time.Location, error) {
	sc, err := ForTeam(ctx, s.db.Reader(ctx), nil)
	if err != nil || sc == nil {
		return time.UTC, err
	}
	return loadZone(sc.TimeZone)
}
