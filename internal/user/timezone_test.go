package user_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// The browser's zone becomes a user's only while they have none; their own
// choice is checked and kept.
func TestTimeZoneAdoptedOnceThenChosen(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		u := mustCreate(t, s, "tz@example.com", "agent")
		if u.TimeZone != "" {
			t.Fatalf("a new user has zone %q", u.TimeZone)
		}
		zoneOf := func() string {
			t.Helper()
			got, err := s.Get(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.TimeZone
		}
		if err := s.AdoptTimeZone(ctx, u.ID, "Mars/Olympus"); err != nil || zoneOf() != "" {
			t.Fatalf("a browser's nonsense zone: %v, zone %q", err, zoneOf())
		}
		if err := s.AdoptTimeZone(ctx, u.ID, "Pacific/Auckland"); err != nil || zoneOf() != "Pacific/Auckland" {
			t.Fatalf("first sign-in from Auckland: %v, zone %q", err, zoneOf())
		}
		if err := s.AdoptTimeZone(ctx, u.ID, "America/New_York"); err != nil || zoneOf() != "Pacific/Auckland" {
			t.Fatalf("a later sign-in from New York: %v, zone %q", err, zoneOf())
		}
		if _, err := s.SetTimeZone(ctx, u.ID, "Europe/Oslo"); err != nil || zoneOf() != "Europe/Oslo" {
			t.Fatalf("choosing Oslo: %v, zone %q", err, zoneOf())
		}
		if _, err := s.SetTimeZone(ctx, u.ID, "+02:00"); !apperr.Is(err, apperr.KindInvalid) || zoneOf() != "Europe/Oslo" {
			t.Fatalf("choosing +02:00: %v, zone %q", err, zoneOf())
		}
	})
}
