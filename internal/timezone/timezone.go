// Package timezone checks and lists the IANA time zones people and the desk
// choose. Names are checked against the tz database compiled into the
// binary (the main package imports time/tzdata), so a machine without
// /usr/share/zoneinfo accepts the same names as one with it.
package timezone

import (
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Default is the desk's zone until an admin chooses one.
const Default = "UTC"

// Check returns the location an IANA zone name names, or an Invalid error
// on field. time.LoadLocation alone is not enough: it takes "" for UTC and
// "Local" for whatever the server's clock says, neither of which names a
// zone a person could have chosen.
func Check(field, name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.TrimSpace(name) != name {
		return nil, invalid(field, name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalid(field, name)
	}
	return loc, nil
}

func invalid(field, name string) error {
	return apperr.Invalid(field, "must be an IANA time zone name such as Europe/Oslo or America/New_York, not %q", name)
}

// Location returns the location of a stored name, or UTC when the name is
// empty or no longer loads (a zone removed from a later tz database), so a
// page always renders.
func Location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Names lists the zones a person picks from, sorted.
func Names() []string { return append([]string(nil), names...) }
