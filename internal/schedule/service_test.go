package schedule_test

import (
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestSchedulesForTeamsAndTheDesk(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		s := schedule.NewService(d)
		billing, err := team.NewService(d).Create(ctx, team.NewTeam{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := schedule.ForTeam(ctx, d.Read(), &billing.ID); err != nil || got != nil {
			t.Fatalf("no schedule yet: %v %v", got, err)
		}
		desk, err := s.Create(ctx, schedule.NewSchedule{Name: "Desk", TimeZone: "Europe/London", Default: true,
			Intervals: weekdays("09:00", "17:00"), Holidays: []string{"2026-12-25", "2026-12-24", "2026-12-25"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(desk.Holidays, []string{"2026-12-24", "2026-12-25"}) {
			t.Fatalf("holidays %v", desk.Holidays)
		}
		got, err := schedule.ForTeam(ctx, d.Read(), &billing.ID)
		if err != nil || got == nil || got.ID != desk.ID {
			t.Fatalf("default for a team: %v %v", got, err)
		}
		night, err := s.Create(ctx, schedule.NewSchedule{Name: "Night", TimeZone: "UTC", TeamIDs: []int64{billing.ID},
			Intervals: []schedule.Interval{{Day: "MON", Start: "22:00", End: "06:00"}}})
		if err != nil {
			t.Fatal(err)
		}
		if night.Intervals[0].Day != "mon" {
			t.Fatalf("day not normalised: %+v", night.Intervals)
		}
		if got, _ := schedule.ForTeam(ctx, d.Read(), &billing.ID); got == nil || got.ID != night.ID {
			t.Fatalf("team schedule: %+v", got)
		}
		if got, _ := schedule.ForTeam(ctx, d.Read(), nil); got == nil || got.ID != desk.ID {
			t.Fatalf("desk schedule: %+v", got)
		}
		// A second default replaces the first.
		yes := true
		if _, err := s.Update(ctx, night.ID, schedule.Patch{Default: &yes}); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Get(ctx, desk.ID); again.Default {
			t.Fatal("two defaults")
		}
		ical := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nEND:VEVENT\nEND:VCALENDAR\n"
		imported, err := s.ImportICal(ctx, desk.ID, ical)
		if err != nil || !slices.Equal(imported.Holidays, []string{"2026-12-24", "2026-12-25", "2027-01-01"}) {
			t.Fatalf("import: %v %v", imported, err)
		}
		list, err := s.List(ctx)
		if err != nil || len(list) != 2 || list[1].Name != "Night" || !slices.Equal(list[1].TeamIDs, []int64{billing.ID}) {
			t.Fatalf("list %v %v", list, err)
		}
		if err := s.Delete(ctx, night.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := schedule.ForTeam(ctx, d.Read(), &billing.ID); got != nil {
			t.Fatalf("deleted schedule still applies: %+v", got)
		}
	})
}

func TestBadSchedulesChangeNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		s := schedule.NewService(d)
		ok := schedule.NewSchedule{Name: "Desk", TimeZone: "UTC", Intervals: weekdays("09:00", "17:00")}
		if _, err := s.Create(ctx, ok); err != nil {
			t.Fatal(err)
		}
		cases := map[string]struct {
			in    schedule.NewSchedule
			kind  apperr.Kind
			field string
		}{
			"taken name":   {ok, apperr.KindConflict, "name"},
			"no intervals": {schedule.NewSchedule{Name: "X", TimeZone: "UTC"}, apperr.KindInvalid, "intervals"},
			"bad zone":     {schedule.NewSchedule{Name: "X", TimeZone: "Nowhere", Intervals: ok.Intervals}, apperr.KindInvalid, "time_zone"},
			"unknown team": {schedule.NewSchedule{Name: "X", TimeZone: "UTC", Intervals: ok.Intervals, TeamIDs: []int64{999999}},
				apperr.KindUnprocessable, "team_ids"},
		}
		for name, c := range cases {
			_, err := s.Create(ctx, c.in)
			e, isApp := apperr.As(err)
			if !isApp || e.Kind != c.kind || e.Field != c.field {
				t.Errorf("%s: got %v, want %v on %s", name, err, c.kind, c.field)
			}
		}
		if n := testutil.Count(t, d, "schedules"); n != 1 {
			t.Fatalf("%d schedules", n)
		}
	})
}
