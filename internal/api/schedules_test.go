package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

const officeHours = `[{"day": "mon", "start": "09:00", "end": "17:00"}, {"day": "tue", "start": "09:00", "end": "17:00"},
	{"day": "wed", "start": "09:00", "end": "17:00"}, {"day": "thu", "start": "09:00", "end": "17:00"},
	{"day": "fri", "start": "09:00", "end": "17:00"}]`

func TestSchedulesAndTheDeadlineOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var sc schedule.Schedule
		c.want(c.do("POST", "/api/v1/schedules", `{"name": "London office", "time_zone": "Europe/London",
			"intervals": `+officeHours+`, "holidays": ["2026-12-24", "2026-12-25"]}`, ""), http.StatusCreated, &sc)
		path := "/api/v1/schedules/" + itoa(sc.ID)
		var due struct {
			DueAt string `json:"due_at"`
		}
		// Wed Dec 23 16:00 + 4 business hours: 1 h that day, then Monday 28th.
		c.want(c.do("POST", path+"/deadline", `{"start": "2026-12-23T16:00:00Z", "business_minutes": 240}`, ""),
			http.StatusOK, &due)
		if due.DueAt != "2026-12-28T12:00:00Z" {
			t.Fatalf("due_at %s", due.DueAt)
		}
		// An offset start answers in UTC.
		c.want(c.do("POST", path+"/deadline", `{"start": "2026-12-07T11:00:00+01:00", "business_minutes": 0}`, ""),
			http.StatusOK, &due)
		if due.DueAt != "2026-12-07T10:00:00Z" {
			t.Fatalf("due_at %s", due.DueAt)
		}
		c.want(c.do("POST", path+"/deadline", `{"start": "yesterday", "business_minutes": 60}`, ""), http.StatusBadRequest, nil)
		c.want(c.do("POST", path+"/deadline", `{"start": "2026-12-07T10:00:00Z", "business_minutes": -1}`, ""), http.StatusBadRequest, nil)

		var patched schedule.Schedule
		c.want(c.do("PATCH", path, `{"intervals": [{"day": "mon", "start": "22:00", "end": "06:00"}]}`, ""), http.StatusOK, &patched)
		if len(patched.Intervals) != 1 || len(patched.Holidays) != 2 {
			t.Fatalf("patched %+v", patched)
		}
		c.want(c.do("POST", path+"/holidays/import", `{"ical": "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nEND:VEVENT\nEND:VCALENDAR\n"}`, ""),
			http.StatusOK, &patched)
		if len(patched.Holidays) != 3 {
			t.Fatalf("imported %+v", patched.Holidays)
		}
		var list struct{ Items []schedule.Schedule }
		c.want(c.do("GET", "/api/v1/schedules", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Fatalf("list %+v", list)
		}
		agent := c.as("agent")
		agent.want(agent.do("GET", path, "", ""), http.StatusOK, nil)
		agent.want(agent.do("PATCH", path, `{"name": "Mine"}`, ""), http.StatusForbidden, nil)
		c.want(c.do("DELETE", path, "", ""), http.StatusNoContent, nil)
		c.want(c.do("GET", path, "", ""), http.StatusNotFound, nil)
	})
}

func TestBadSchedulesAnswer400NamingTheProblem(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		cases := map[string]struct{ body, field string }{
			"start equals end": {`{"name": "A", "time_zone": "UTC", "intervals": [{"day": "mon", "start": "09:00", "end": "09:00"}]}`, "intervals[0].end"},
			"unknown day":      {`{"name": "A", "time_zone": "UTC", "intervals": [{"day": "someday", "start": "09:00", "end": "17:00"}]}`, "intervals[0].day"},
			"unknown zone":     {`{"name": "A", "time_zone": "Europe/Atlantis", "intervals": ` + officeHours + `}`, "time_zone"},
			"overlapping": {`{"name": "A", "time_zone": "UTC", "intervals": [{"day": "mon", "start": "22:00", "end": "06:00"},
				{"day": "tue", "start": "05:30", "end": "09:00"}]}`, "intervals[1]"},
			"malformed time": {`{"name": "A", "time_zone": "UTC", "intervals": [{"day": "mon", "start": "9", "end": "17:00"}]}`, "intervals[0].start"},
			"bad holiday":    {`{"name": "A", "time_zone": "UTC", "intervals": ` + officeHours + `, "holidays": ["24/12/2026"]}`, "holidays[0]"},
		}
		for name, tc := range cases {
			rec := c.do("POST", "/api/v1/schedules", tc.body, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"`+tc.field+`"`) {
				t.Errorf("%s: %d %s, want 400 naming %s", name, rec.Code, rec.Body, tc.field)
			}
		}
		if n := c.count("schedules"); n != 0 {
			t.Fatalf("%d schedules stored", n)
		}
	})
}
