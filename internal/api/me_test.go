package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestMeTimeZoneOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var me user.User
		c.want(c.do("GET", "/api/v1/me", "", ""), http.StatusOK, &me)
		if me.TimeZone != "UTC" {
			t.Fatalf("a user who chose no zone has the desk's, UTC by default; got %q", me.TimeZone)
		}
		c.want(c.do("PATCH", "/api/v1/settings", `{"time_zone": "America/New_York"}`, ""), http.StatusOK, nil)
		c.want(c.do("GET", "/api/v1/me", "", ""), http.StatusOK, &me)
		if me.TimeZone != "America/New_York" {
			t.Fatalf("the desk's zone changed; /me says %q", me.TimeZone)
		}

		c.want(c.do("PATCH", "/api/v1/me", `{"time_zone": "Europe/Oslo"}`, ""), http.StatusOK, &me)
		if me.TimeZone != "Europe/Oslo" {
			t.Fatalf("patched: %q", me.TimeZone)
		}
		c.want(c.do("GET", "/api/v1/me", "", ""), http.StatusOK, &me)
		if me.TimeZone != "Europe/Oslo" {
			t.Fatalf("after the patch, /me says %q", me.TimeZone)
		}

		for _, bad := range []string{`"Mars/Olympus"`, `""`, `"+02:00"`, `"Local"`, `7`} {
			rec := c.do("PATCH", "/api/v1/me", `{"time_zone": `+bad+`}`, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "time_zone") {
				t.Errorf("time_zone %s: %d %s, want 400 naming time_zone", bad, rec.Code, rec.Body)
			}
		}
		c.want(c.do("PATCH", "/api/v1/settings", `{"time_zone": "Mars/Olympus"}`, ""), http.StatusBadRequest, nil)
		c.want(c.do("GET", "/api/v1/me", "", ""), http.StatusOK, &me)
		if me.TimeZone != "Europe/Oslo" {
			t.Fatalf("refused patches changed the zone to %q", me.TimeZone)
		}

		// Each user has their own zone: another agent still has the desk's.
		other := c.as("agent")
		other.want(other.do("GET", "/api/v1/me", "", ""), http.StatusOK, &me)
		if me.TimeZone != "America/New_York" {
			t.Fatalf("another agent's zone: %q", me.TimeZone)
		}
	})
}
