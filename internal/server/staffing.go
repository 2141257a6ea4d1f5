package server

import (
	"context"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/staffing"
)

// staffingSources are the real sources of the staffing plan: arrivals and
// work from the report roll-up, targets, deadlines and the goal from the
// SLA, agents at work from presence, the zone from the desk's schedule.
func staffingSources(svc *serviceLevel, reports *report.Service, present staffing.Headcount) *staffing.Sources {
	return &staffing.Sources{Arrivals: reports, Work: reports, SLA: svc.sla, People: present, Zone: svc.schedules}
}

// boardStaffing is the live board's plan: the next 8 hours over the same
// sources as GET /api/v1/staffing/plan.
func boardStaffing(svc *serviceLevel, reports *report.Service, present staffing.Headcount) func(context.Context, time.Time) (staffing.PlanResult, error) {
	src := staffingSources(svc, reports, present)
	return func(ctx context.Context, now time.Time) (staffing.PlanResult, error) {
		return staffing.Plan(ctx, *src, now, staffing.DefaultForecastHours)
	}
}

// everyoneOnline names the agents at work as the board counts them: on a
// ticket on any node (presence) or with a page open (the live hub), each
// once, so the board's "agents online" and its staffing plan agree.
type everyoneOnline []staffing.Headcount

func (e everyoneOnline) Online() []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, r := range e {
		for _, id := range r.Online() {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out
}
