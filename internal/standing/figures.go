package standing

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
)

// FiguresDays is the period of an agent's service figures: the last 30
// days.
const FiguresDays = 30

// ServiceFigures are an agent's own service figures over the last
// FiguresDays days beside their team's (the first of their teams by name;
// the whole desk's when they are in none). There is no handle time among
// them: speed of work is never a target on one agent.
type ServiceFigures struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	TeamName string    `json:"team_name"` // "" for the desk
	Agent    FigureSet `json:"agent"`
	Team     FigureSet `json:"team"`
}

// FigureSet is one side of the comparison.
type FigureSet struct {
	// FirstReplySeconds is the median time to a first reply on tickets
	// first answered in the period (the roll-up's estimate); nil with none.
	FirstReplySeconds *float64 `json:"first_reply_seconds"`
	FirstReplies      int64    `json:"first_replies"`
	// Level is the service level of first-reply clocks due in the period,
	// by sla's one formula; for the agent, on tickets assigned to them.
	Level       sla.Level `json:"level"`
	CSAT        *float64  `json:"csat"` // percent of CSAT answers scoring 4 or 5
	CES         *float64  `json:"ces"`  // mean effort score, 1-7
	Answered    int       `json:"answered"`
	SurveysSent int       `json:"surveys_sent"`
}

// FigureSources are what the figures read: the SLA's levels, the report
// roll-up's medians, the surveys' summary and the teams.
type FigureSources struct {
	SLA interface {
		ServiceLevel(ctx context.Context, f sla.LevelFilter) (sla.Level, error)
	}
	Reports interface {
		FirstReplyMedian(ctx context.Context, dim, key string, from, to time.Time) (float64, int64, bool, error)
	}
	Feedback interface {
		Summarize(ctx context.Context, groupBy string, from, to time.Time) (*feedback.Summary, error)
		Overall(ctx context.Context, from, to time.Time) (feedback.Group, error)
	}
	Teams interface {
		List(ctx context.Context) ([]*team.Team, error)
	}
}

// FiguresOf gathers agentID's service figures as of now. Who may read
// them is the caller's to decide, as for the rest of the agent's page.
func FiguresOf(ctx context.Context, src FigureSources, agentID int64, now time.Time) (ServiceFigures, error) {
	f := ServiceFigures{From: now.AddDate(0, 0, -FiguresDays), To: now}
	tm, err := firstTeam(ctx, src, agentID)
	if err != nil {
		return f, err
	}
	agentKey, teamDim, teamKey := strconv.FormatInt(agentID, 10), report.DimAll, ""
	teamFilter := sla.LevelFilter{Metric: sla.FirstReply, From: f.From, To: f.To}
	if tm != nil {
		f.TeamName, teamDim, teamKey, teamFilter.TeamID = tm.Name, report.DimTeam, strconv.FormatInt(tm.ID, 10), tm.ID
	}
	agentFilter := sla.LevelFilter{Metric: sla.FirstReply, From: f.From, To: f.To, AssigneeID: agentID}
	if f.Agent, err = figureSet(ctx, src, agentFilter, report.DimAgent, agentKey); err != nil {
		return f, err
	}
	if f.Team, err = figureSet(ctx, src, teamFilter, teamDim, teamKey); err != nil {
		return f, err
	}
	return f, surveyFigures(ctx, src, &f, agentKey, teamKey)
}

// firstTeam is the agent's first team by name; nil when in none.
func firstTeam(ctx context.Context, teams FigureSources, agentID int64) (*team.Team, error) {
	all, err := teams.Teams.List(ctx)
	if err != nil {
		return nil, err
	}
	var mine []*team.Team
	for _, t := range all {
		if slices.Contains(t.MemberIDs, agentID) {
			mine = append(mine, t)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	slices.SortFunc(mine, func(a, b *team.Team) int { return strings.Compare(a.Name, b.Name) })
	return mine[0], nil
}

func figureSet(ctx context.Context, src FigureSources, f sla.LevelFilter, dim, key string) (FigureSet, error) {
	var s FigureSet
	var err error
	if s.Level, err = src.SLA.ServiceLevel(ctx, f); err != nil {
		return s, err
	}
	median, n, ok, err := src.Reports.FirstReplyMedian(ctx, dim, key, f.From, f.To)
	if err != nil {
		return s, err
	}
	if s.FirstReplies = n; ok {
		s.FirstReplySeconds = &median
	}
	return s, nil
}

// surveyFigures puts CSAT and CES of the surveys sent in the period on
// both sides: the agent's (surveys attributed to them) and the team's (or
// the desk's: every survey).
func surveyFigures(ctx context.Context, src FigureSources, f *ServiceFigures, agentKey, teamKey string) error {
	byAgent, err := src.Feedback.Summarize(ctx, "agent", f.From, f.To)
	if err != nil {
		return err
	}
	for _, g := range byAgent.Groups {
		if g.Key == agentKey {
			f.Agent.CSAT, f.Agent.CES, f.Agent.Answered, f.Agent.SurveysSent = g.CSATScore, g.CESMean, g.Answered, g.Sent
		}
	}
	if teamKey == "" {
		desk, err := src.Feedback.Overall(ctx, f.From, f.To)
		if err != nil {
			return err
		}
		f.Team.CSAT, f.Team.CES, f.Team.Answered, f.Team.SurveysSent = desk.CSATScore, desk.CESMean, desk.Answered, desk.Sent
		return nil
	}
	byTeam, err := src.Feedback.Summarize(ctx, "team", f.From, f.To)
	if err != nil {
		return err
	}
	for _, g := range byTeam.Groups {
		if g.Key == teamKey {
			f.Team.CSAT, f.Team.CES, f.Team.Answered, f.Team.SurveysSent = g.CSATScore, g.CESMean, g.Answered, g.Sent
		}
	}
	return nil
}
