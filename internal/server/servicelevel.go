package server

import (
	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/api/scheduleapi"
	"github.com/centerdesk/centerdesk/internal/api/slaapi"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
)

// serviceLevel holds business hours and SLA clocks (issue 17), wired here
// apart so that server.go grows by a few lines.
type serviceLevel struct {
	schedules *schedule.Service
	sla       *sla.Service
}

// newServiceLevel builds the schedules and the clocks: the clocks follow
// ticket events through the bus's durable consumer, fire their events
// through the job queue, and move with a changed schedule in the same
// transaction.
func newServiceLevel(d *db.DB, queue *jobs.Queue, bus *events.Bus) (*serviceLevel, error) {
	s := &serviceLevel{schedules: schedule.NewService(d), sla: sla.New(d, queue, sla.Options{})}
	s.schedules.OnChange(s.sla.OnScheduleChange)
	if err := bus.Register(s.sla.Consumer()); err != nil {
		return nil, err
	}
	return s, nil
}

// serviceLevelSections are the API sections of business hours and SLAs.
func serviceLevelSections(s *serviceLevel, teams *team.Service) []apikit.Section {
	return []apikit.Section{scheduleapi.Section{Schedules: s.schedules}, slaapi.Section{SLA: s.sla},
		slaapi.LevelSection{SLA: s.sla, Teams: teams}}
}
