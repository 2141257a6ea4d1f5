package server

import (
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/staffing"
)

// staffingSources are the real sources of the staffing plan: arrivals and
// work from the report roll-up, targets, deadlines and the goal from the
// SLA, agents at work from presence, the zone from the desk's schedule.
func staffingSources(svc *serviceLevel, reports *report.Service, present *presence.Hub) *staffing.Sources {
	return &staffing.Sources{Arrivals: reports, Work: reports, SLA: svc.sla, People: present, Zone: svc.schedules}
}
