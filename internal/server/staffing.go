package server

import (
	"context"
	"time"

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

// boardStaffing is the live board's plan: the next 8 hours over the same
// sources as GET /api/v1/staffing/plan.
func boardStaffing(svc *serviceLevel, reports *report.Service, present *presence.Hub) func(context.Context, time.Time) (staffing.PlanResult, error) {
	src := staffingSources(svc, reports, present)
	return func(ctx context.Context, now time.Time) (staffing.PlanResult, error) {
		return staffing.Plan(ctx, *src, now, staffing.DefaultForecastHours)
	}
}
