package api

import (
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/standing"
)

// The people routes' documentation (coaching, standing) joins docs (openapi.go).
func init() {
	for pattern, d := range peopleDocs {
		docs[pattern] = d
	}
}

var peopleDocs = map[string]op{
	"GET /api/v1/coaching-sessions": {Summary: "Coaching sessions, newest first: yours, or everyone's for leads " +
		"(and for all when coaching is open to agents)", Query: []string{"agent_id: this agent's only"},
		Out: list[coaching.Session]{}},
	"POST /api/v1/coaching-sessions": {Summary: "Open a coaching session with an agent, linked to reviews, tickets and " +
		"values, with agreed actions and a follow-up that reminds both",
		In: coaching.NewSession{}, Out: coaching.Session{}, Status: 201},
	"GET /api/v1/coaching-sessions/{id}": {Summary: "A coaching session: the coached agent and leads only, " +
		"unless coaching is open to agents", Out: coaching.Session{}},
	"PATCH /api/v1/coaching-sessions/{id}": {Summary: "Change a session's notes or follow-up (a new time reminds again), " +
		"or add actions", In: coaching.SessionPatch{}, Out: coaching.Session{}},
	"PATCH /api/v1/coaching-sessions/{id}/actions/{action_id}": {Summary: "Tick an agreed action done, or not. " +
		"The coached agent and leads", In: actionDone{}, Out: coaching.Session{}},
	"GET /api/v1/coaching-settings": {Summary: "Whether every agent may read every coaching session",
		Out: coachingSettings{}},
	"PUT /api/v1/coaching-settings": {Summary: "Open coaching sessions to every agent, or close them (the default)",
		In: coachingSettings{}, Out: coachingSettings{}},
	"GET /api/v1/concerns": {Summary: "Concerns, newest first: every one for leads, your own otherwise; " +
		"the author is shown to leads only", Query: []string{"status: open, investigating, resolved or dismissed"},
		Out: list[coaching.Concern]{}},
	"POST /api/v1/concerns": {Summary: "Raise a concern, in confidence to the leads, that a ticket or a decision " +
		"went against the team's values", In: coaching.NewConcern{}, Out: coaching.Concern{}, Status: 201},
	"GET /api/v1/concerns/{id}": {Summary: "A concern: leads and its raiser only", Out: coaching.Concern{}},
	"PATCH /api/v1/concerns/{id}": {Summary: "Move a concern on (open, investigating, resolved, dismissed) with the " +
		"outcome its raiser reads", In: coaching.ConcernUpdate{}, Out: coaching.Concern{}},
	"GET /api/v1/leaderboard": {Summary: "Balanced scores and green/orange/red tiers for a review period, best first: " +
		"everyone's for leads (and for all when the setting allows), your own otherwise",
		Query: []string{"period_id: this period (the current one by default)"}, Out: standing.Board{}},
	"GET /api/v1/agents/{id}/profile": {Summary: "An agent's page: tier and what would move it, review results and " +
		"trend, strengths and growth areas by value, badges by value over time", Out: standing.Profile{}},
	"GET /api/v1/standing-settings": {Summary: "Tier cut-offs, component weights, badge target and who sees " +
		"whose standing", Out: standing.Config{}},
	"PATCH /api/v1/standing-settings": {Summary: "Change the tier cut-offs, weights, badge target or visibility",
		In: standing.ConfigPatch{}, Out: standing.Config{}},
}
