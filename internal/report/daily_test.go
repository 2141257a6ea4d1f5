package report_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// dailyCheck sums report_hourly by UTC day beside report_daily, for the
// rows where either has something: the two must be the same text.
const dailyCheck = `SELECT dim, %s, dim_key, SUM(created), SUM(solved), SUM(open_now), SUM(fr_n), SUM(fr_sum),
	SUM(res_n), SUM(res_sum), SUM(fr_h08), SUM(res_h10), SUM(fr_bsum), SUM(res_bh10), SUM(csat_n), SUM(ces_sum)
	FROM %s GROUP BY 1, 2, 3
	HAVING SUM(created) <> 0 OR SUM(solved) <> 0 OR SUM(open_now) <> 0 OR SUM(fr_n) <> 0 OR SUM(res_n) <> 0
		OR SUM(csat_n) <> 0 OR SUM(ces_n) <> 0
	ORDER BY 1, 2, 3`

func (f *fixture) dailyAgainstHours() (daily, hours string) {
	f.t.Helper()
	read := func(q string) string {
		rows, err := f.d.Read().Query(q)
		if err != nil {
			f.t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var dim, key string
			var n [14]int64
			dst := []any{&dim, &n[0], &key}
			for i := 1; i < len(n); i++ {
				dst = append(dst, &n[i])
			}
			if err := rows.Scan(dst...); err != nil {
				f.t.Fatal(err)
			}
			fmt.Fprintln(&b, dim, key, n)
		}
		if err := rows.Err(); err != nil {
			f.t.Fatal(err)
		}
		return b.String()
	}
	return read(fmt.Sprintf(dailyCheck, "day", "report_daily")), read(fmt.Sprintf(dailyCheck, "hour / 24", "report_hourly"))
}

// The daily roll-up is kept with the hourly one, as tickets change and on
// a rebuild: each UTC day's row is that day's hours summed.
func TestTheDailyRollUpIsTheHoursSummedByDay(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if err := f.rep.Backfill(f.ctx); err != nil {
			t.Fatal(err)
		}
		// Created late in a day, answered and solved on the next days.
		a := f.ticket(day("2026-12-01", 23), 90*time.Minute, 26*time.Hour, "email", true, "refund")
		b := f.ticket(day("2026-12-02", 22), 3*time.Hour, 0, "chat", false, "vip")
		c := f.ticket(day("2026-12-03", 0), 20*time.Minute, 47*time.Hour, "email", false)
		f.handle(a, b, c)
		if _, err := f.tickets.Update(f.ctx, a, ticket.Patch{TeamID: ticket.SetID(nil), Tags: &[]string{"vip"}}); err != nil {
			t.Fatal(err)
		}
		f.handle(a, a)
		daily, hours := f.dailyAgainstHours()
		if daily != hours || daily == "" {
			t.Errorf("kept as events arrive: daily\n%s\nhours by day\n%s", daily, hours)
		}
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt, _ := f.dailyAgainstHours(); rebuilt != daily {
			t.Errorf("rebuilt daily\n%s\nkept\n%s", rebuilt, daily)
		}
	})
}

// seedHours writes made-up hourly rows (every column a report reads) over
// Oct 10 to Nov 20, 2026, crossing the clock changes of Europe and North
// America, and the daily rows as the migration makes them from those.
func seedHours(t *testing.T, d *db.DB) {
	t.Helper()
	cols := []string{"created", "solved", "fr_n", "fr_sum", "res_n", "res_sum", "fr_bsum", "res_bsum",
		"csat_n", "csat_sat", "ces_n", "ces_sum"}
	for _, h := range []string{"fr_h", "res_h", "fr_bh", "res_bh"} {
		for k := 0; k < report.Buckets; k += 3 {
			cols = append(cols, fmt.Sprintf("%s%02d", h, k))
		}
	}
	marks := make([]string, len(cols)+3)
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := `INSERT INTO report_hourly (dim, hour, dim_key, ` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`
	seed := uint64(17)
	next := func(n uint64) int64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int64((seed >> 33) % n)
	}
	first, last := day("2026-10-10", 0).Unix()/3600, day("2026-11-20", 0).Unix()/3600
	for hour := first; hour < last; hour += 1 + next(4) {
		for _, g := range [][2]string{{"all", ""}, {"agent", "7"}, {"agent", "9"}, {"channel", "email"}, {"tag", "vip"}} {
			args := []any{g[0], hour, g[1]}
			for range cols {
				args = append(args, 1+next(3))
			}
			if _, err := d.Write().Exec(insert, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	first, last = day("2026-10-10", 0).Unix()/3600, day("2026-11-20", 0).Unix()/3600
	for hour := first; hour < last; hour += 1 + next(3) {
		for _, g := range [][2]string{{"all", ""}, {"agent", "7"}, {"team", "3"}, {"tag", "vip"}} {
			if _, err := d.Write().Exec(`INSERT INTO report_sla_hourly (metric, dim, hour, dim_key, met, missed, open)
				VALUES ('first_reply', $1, $2, $3, $4, $5, $6)`, g[0], hour, g[1], next(3), next(2), next(3)); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err := d.Write().Exec(`INSERT INTO report_sla_daily (metric, dim, day, dim_key, met, missed, open)
		SELECT metric, dim, hour / 24, dim_key, SUM(met), SUM(missed), SUM(open) FROM report_sla_hourly
		GROUP BY metric, dim, hour / 24, dim_key`)
	if err != nil {
		t.Fatal(err)
	}
	sums := make([]string, len(cols))
	for i, c := range cols {
		sums[i] = "SUM(" + c + ")"
	}
	_, err = d.Write().Exec(`INSERT INTO report_daily (dim, day, dim_key, ` + strings.Join(cols, ", ") + `)
		SELECT dim, hour / 24, dim_key, ` + strings.Join(sums, ", ") + ` FROM report_hourly GROUP BY dim, hour / 24, dim_key`)
	if err != nil {
		t.Fatal(err)
	}
}

// A report reading whole UTC days from the daily roll-up and the hours at
// their edges answers exactly what it answers from the hours alone, in
// every zone (whole hours, half and quarter hours, clock changes), by day
// and by week; service level too, with open clocks before and after today.
func TestReportsReadInDaysEqualReportsReadInHours(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		seedHours(t, d)
		rep := report.NewService(d)
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		now := day("2026-11-03", 12) // inside the range: service level reads this day in hours
		for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Europe/Oslo"} {
			for _, interval := range []string{report.Day, report.Week} {
				for _, name := range []string{report.Volume, report.FirstReplyTime, report.ResolutionTime, report.CSAT, report.CES,
					report.ServiceLevel} {
					for _, group := range []string{"", "agent", "channel", "tag", "team"} {
						q := url.Values{"from": {"2026-10-12"}, "to": {"2026-11-17"}, "group_by": {group},
							"interval": {interval}, "time_zone": {zone}, "hours": {"business"}}
						if name == report.Volume {
							q.Del("hours")
						}
						p, err := report.ParseParams(name, q, time.UTC, now)
						if err != nil {
							t.Fatal(err)
						}
						whole := int64(p.To.Sub(p.From)/(24*time.Hour)) + 1
						if name == report.ServiceLevel {
							whole-- // today
						}
						if zone == "UTC" && report.SpanDays(p) != whole || interval == report.Week && report.SpanDays(p) == 0 {
							t.Errorf("%s by %s in %s reads %d days from the daily roll-up", name, interval, zone, report.SpanDays(p))
						}
						inDays, err := rep.Run(ctx, p)
						if err != nil {
							t.Fatal(err)
						}
						inHours, err := rep.Run(ctx, report.HoursOnly(p))
						if err != nil {
							t.Fatal(err)
						}
						if (len(inHours.Rows) == 0) != (group == "channel" && name == report.ServiceLevel || group == "team" && name != report.ServiceLevel) || !reflect.DeepEqual(inDays.Rows, inHours.Rows) {
							t.Errorf("%s by %s %q in %s: in days\n%v\nin hours\n%v", name, interval, group, zone, inDays.Rows, inHours.Rows)
						}
					}
				}
			}
		}
	})
}
