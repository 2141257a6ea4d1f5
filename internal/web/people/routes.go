package people

import "github.com/centerdesk/centerdesk/internal/web/kit"

// routes is the people surface's route table: every route with who may open
// it, checked by the kit before the handler runs.
// Who may read whose standing, coaching or concern is decided by the
// domain services; what someone may not read is "not found".
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /me", Level: kit.Agent, Handler: wb.myPage},
		{Pattern: "GET /agents/{id}", Level: kit.Agent, Handler: wb.agentPage},
		{Pattern: "GET /leaderboard", Level: kit.Agent, Handler: wb.leaderboardPage},
		{Pattern: "GET /leaderboard/settings", Level: kit.Lead, Handler: wb.standingSettingsPage},
		{Pattern: "POST /leaderboard/settings", Level: kit.Lead, Handler: wb.saveStandingSettings},
		{Pattern: "GET /coaching", Level: kit.Agent, Handler: wb.coachingList},
		{Pattern: "GET /coaching/new", Level: kit.Lead, Handler: wb.coachingNew},
		{Pattern: "POST /coaching", Level: kit.Lead, Handler: wb.coachingCreate},
		{Pattern: "GET /coaching/{id}", Level: kit.Agent, Handler: wb.coachingPage},
		{Pattern: "POST /coaching/{id}", Level: kit.Lead, Handler: wb.coachingUpdate},
		{Pattern: "POST /coaching/{id}/actions/{action_id}", Level: kit.Agent, Handler: wb.coachingTick},
		{Pattern: "GET /concerns", Level: kit.Agent, Handler: wb.concernsPage},
		{Pattern: "POST /concerns", Level: kit.Agent, Handler: wb.raiseConcern},
		{Pattern: "GET /concerns/{id}", Level: kit.Agent, Handler: wb.concernPage},
		{Pattern: "POST /concerns/{id}", Level: kit.Lead, Handler: wb.moveConcern},
	}
}
