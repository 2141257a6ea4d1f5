package kit

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// relativeCases are shared with the browser test of static/time.js through
// RelativeCases, so both wordings are checked against one table.
func TestRelative(t *testing.T) {
	for _, c := range RelativeCases() {
		if got := Relative(c.At, c.Now, mustZone(t, c.Zone)); got != c.Want {
			t.Errorf("%s: Relative(%s, now %s, %s) = %q, want %q", c.Name, c.At, c.Now, c.Zone, got, c.Want)
		}
	}
}

func TestTimeElement(t *testing.T) {
	at := time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC)
	now := at.Add(3 * time.Minute)
	got := string(TimeElement(at, now, mustZone(t, "Pacific/Auckland")))
	want := `<time datetime="2026-12-07T16:30:00Z" data-tz="Pacific/Auckland" title="Tue 8 Dec 2026, 05:30 NZDT">3 min ago</time>`
	if got != want {
		t.Errorf("TimeElement:\n got %s\nwant %s", got, want)
	}
	if got := TimeElement(&at, now, time.UTC); !strings.Contains(string(got), ">3 min ago</time>") {
		t.Errorf("a *time.Time: %s", got)
	}
	var none *time.Time
	if got := TimeElement(none, now, time.UTC); got != "never" {
		t.Errorf("nil: %s", got)
	}
	if got := TimeElement(time.Time{}, now, time.UTC); got != "never" {
		t.Errorf("zero: %s", got)
	}
}

func TestDayIgnoresTheViewersZone(t *testing.T) {
	d := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	if got := Day(d); got != "12 Mar 2026" {
		t.Errorf("Day = %q", got)
	}
	if got := Day(&d); got != "12 Mar 2026" {
		t.Errorf("Day(*) = %q", got)
	}
}
