package server

import (
	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/api/scheduleapi"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
)

// serviceLevel holds business hours and SLA clocks (issue 17), wired here
// apart so that server.go grows by a line or two.
type serviceLevel struct {
	schedules *schedule.Service
}

func newServiceLevel(d *db.DB) *serviceLevel {
	return &serviceLevel{schedules: schedule.NewService(d)}
}

// serviceLevelSections are the API sections of business hours and SLAs.
func serviceLevelSections(s *serviceLevel) []apikit.Section {
	return []apikit.Section{scheduleapi.Section{Schedules: s.schedules}}
}
