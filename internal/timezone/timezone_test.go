package timezone

import (
	"sort"
	"testing"
	"time"
	_ "time/tzdata" // as the binary does: the test must not depend on the machine's zoneinfo

	"github.com/centerdesk/centerdesk/internal/apperr"
)

func TestCheckTakesIANANamesOnly(t *testing.T) {
	for _, name := range []string{"Europe/Oslo", "Pacific/Auckland", "America/Argentina/Buenos_Aires", "UTC"} {
		loc, err := Check("time_zone", name)
		if err != nil || loc.String() != name {
			t.Errorf("Check(%q) = %v, %v", name, loc, err)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "+02:00", " Europe/Oslo", "../etc/passwd", "europe/oslo\x00"} {
		if _, err := Check("time_zone", name); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("Check(%q) = %v, want invalid", name, err)
		}
	}
}

func TestEveryListedNameLoads(t *testing.T) {
	ns := Names()
	if len(ns) < 300 || !sort.StringsAreSorted(ns) {
		t.Fatalf("%d names, sorted %v", len(ns), sort.StringsAreSorted(ns))
	}
	for _, n := range ns {
		if _, err := Check("time_zone", n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestLocationFallsBackToUTC(t *testing.T) {
	if Location("") != time.UTC || Location("Mars/Olympus") != time.UTC {
		t.Error("an empty or unknown name must render in UTC")
	}
	if Location("Asia/Tokyo").String() != "Asia/Tokyo" {
		t.Error("Location(Asia/Tokyo)")
	}
}
