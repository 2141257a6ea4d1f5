package slaapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// LevelSection serves the service level and its goals:
// /api/v1/service-level, /api/v1/sla-goals and a team's sla-goal.
type LevelSection struct {
	SLA   *sla.Service
	Teams *team.Service
	Now   func() time.Time // the clock; time.Now when nil
}

// LevelAnswer is GET /api/v1/service-level: the level of the whole
// period, or of each team or channel.
type LevelAnswer struct {
	Metric  string      `json:"metric"`
	From    time.Time   `json:"from"`
	To      time.Time   `json:"to"`
	GroupBy string      `json:"group_by"` // "", team or channel
	Formula string      `json:"formula"`
	Level   *LevelLine  `json:"level"`  // without group_by
	Groups  []LevelLine `json:"groups"` // with group_by
}

// LevelLine is one level; teams and the whole carry their goal and
// colour, channels (which have no goal of their own) do not.
type LevelLine struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	sla.Level
	Goal   *sla.Goal `json:"goal,omitempty"`
	Colour string    `json:"colour,omitempty"`
}

// GoalsAnswer is GET /api/v1/sla-goals.
type GoalsAnswer struct {
	Desk  sla.Goal   `json:"desk"`
	Teams []TeamGoal `json:"teams"`
}

// TeamGoal is a team's goal with its name.
type TeamGoal struct {
	TeamName string `json:"team_name"`
	sla.Goal
}

// GoalInput is the body of the goal PUTs.
type GoalInput struct {
	GoalPercent   float64 `json:"goal_percent"`
	OrangePercent float64 `json:"orange_percent"`
}

// Formula is the service level's formula, as sla/level.go defines it.
const Formula = "met / (met + missed) of the clocks of the metric due in [from, to); pending (deadline ahead) left out"

// Routes lists the section's routes.
func (s LevelSection) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/service-level", Who: apikit.Lead, Handler: s.level, Doc: apikit.Op{
			Summary: "Service level: " + Formula + ". Met: fulfilled by the deadline; missed: breached (late or still " +
				"open) or open past the deadline; share is null while nothing is decided. Teams and the whole carry " +
				"their goal and colour (green at or above goal_percent, orange at or above orange_percent, red below, " +
				"grey with nothing decided). Without from and to: today (UTC)",
			Query: []string{"metric: first_reply (default), next_reply, periodic_update or resolution",
				"from: RFC 3339 time or date (YYYY-MM-DD, UTC)", "to: RFC 3339 time or date; a date includes that whole day",
				"group_by: team or channel; empty for the whole", "team_id: only this team's clocks",
				"channel: only this channel's clocks"},
			Out: LevelAnswer{}}},
		{Pattern: "GET /api/v1/sla-goals", Who: apikit.Lead, Handler: s.goals, Doc: apikit.Op{
			Summary: "The desk's default goal and every team's (inherited: the team follows the desk's)",
			Out:     GoalsAnswer{}}},
		{Pattern: "PUT /api/v1/sla-goals/desk", Who: apikit.Admin, Handler: s.setDesk, Doc: apikit.Op{
			Summary: "Set the desk's default goal; orange_percent must be above 0 and at most goal_percent",
			In:      GoalInput{}, Out: sla.Goal{}}},
		{Pattern: "PUT /api/v1/teams/{id}/sla-goal", Who: apikit.Admin, Handler: s.setTeam, Doc: apikit.Op{
			Summary: "Set a team's own goal", In: GoalInput{}, Out: sla.Goal{}}},
		{Pattern: "DELETE /api/v1/teams/{id}/sla-goal", Who: apikit.Admin, Handler: s.clearTeam, Doc: apikit.Op{
			Summary: "Remove a team's own goal: it follows the desk's again"}},
	}
}

func (s LevelSection) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s LevelSection) level(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, groupBy, err := s.levelQuery(r)
	if err != nil {
		return err
	}
	a := LevelAnswer{Metric: f.Metric, From: f.From, To: f.To, GroupBy: groupBy, Formula: Formula, Groups: []LevelLine{}}
	switch groupBy {
	case "":
		j, err := s.SLA.Judge(ctx, f)
		if err != nil {
			return err
		}
		a.Level = &LevelLine{Key: j.Key, Name: "All tickets", Level: j.Level, Goal: &j.Goal, Colour: j.Colour}
	case "team":
		if a.Groups, err = s.teamLines(r, f); err != nil {
			return err
		}
	default:
		groups, err := s.SLA.ServiceLevelBy(ctx, f, groupBy)
		if err != nil {
			return err
		}
		for _, g := range groups {
			a.Groups = append(a.Groups, LevelLine{Key: g.Key, Name: g.Key, Level: g.Level})
		}
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}

// teamLines are every team's level (or the one team_id names), then that
// of tickets of no team.
func (s LevelSection) teamLines(r *http.Request, f sla.LevelFilter) ([]LevelLine, error) {
	teams, err := s.Teams.List(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[string]string{"": "No team"}
	var ids []int64
	for _, t := range teams {
		if f.TeamID == 0 || t.ID == f.TeamID {
			ids = append(ids, t.ID)
			names[strconv.FormatInt(t.ID, 10)] = t.Name
		}
	}
	judged, err := s.SLA.TeamLevels(r.Context(), f, ids)
	if err != nil {
		return nil, err
	}
	out := []LevelLine{}
	for _, j := range judged {
		if f.TeamID != 0 && j.Key == "" {
			continue
		}
		out = append(out, LevelLine{Key: j.Key, Name: names[j.Key], Level: j.Level, Goal: &j.Goal, Colour: j.Colour})
	}
	return out, nil
}

// levelQuery reads the query of GET /api/v1/service-level.
func (s LevelSection) levelQuery(r *http.Request) (sla.LevelFilter, string, error) {
	q := r.URL.Query()
	f := sla.LevelFilter{Metric: q.Get("metric"), Channel: q.Get("channel")}
	if f.Metric == "" {
		f.Metric = sla.FirstReply
	}
	if !slices.Contains(sla.Metrics, f.Metric) {
		return f, "", apperr.Invalid("metric", "must be one of %s", strings.Join(sla.Metrics, ", "))
	}
	groupBy := q.Get("group_by")
	if groupBy != "" && !slices.Contains(sla.LevelGroups, groupBy) {
		return f, "", apperr.Invalid("group_by", "must be one of %s", strings.Join(sla.LevelGroups, ", "))
	}
	if f.Channel != "" && !slices.Contains(ticket.Channels, f.Channel) {
		return f, "", apperr.Invalid("channel", "%q is not a channel; channels are %s", f.Channel, strings.Join(ticket.Channels, ", "))
	}
	if v := q.Get("team_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, "", apperr.Invalid("team_id", "%q is not a team id", v)
		}
		if _, err := s.Teams.Get(r.Context(), id); err != nil {
			if apperr.Is(err, apperr.KindNotFound) {
				return f, "", apperr.Invalid("team_id", "there is no team %d", id)
			}
			return f, "", err
		}
		f.TeamID = id
	}
	var err error
	f.From, f.To, err = period(q, s.now())
	return f, groupBy, err
}

// period reads from and to (RFC 3339 times or UTC dates, a date as to
// taking in its whole day); without both, today in UTC.
func period(q url.Values, now time.Time) (time.Time, time.Time, error) {
	from := now.UTC().Truncate(24 * time.Hour)
	to := from.Add(24 * time.Hour)
	if v := q.Get("from"); v != "" {
		t, _, err := when("from", v)
		if err != nil {
			return from, to, err
		}
		from = t
	}
	if v := q.Get("to"); v != "" {
		t, date, err := when("to", v)
		if err != nil {
			return from, to, err
		}
		if to = t; date {
			to = t.Add(24 * time.Hour)
		}
	}
	if !to.After(from) {
		return from, to, apperr.Invalid("to", "must be after from")
	}
	return from, to, nil
}

func when(field, v string) (time.Time, bool, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, false, apperr.Invalid(field, "must be a date (YYYY-MM-DD) or an RFC 3339 time, not %q", v)
	}
	return t.UTC(), false, nil
}

func (s LevelSection) goals(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	desk, err := s.SLA.DeskGoal(ctx)
	if err != nil {
		return err
	}
	teams, err := s.Teams.List(ctx)
	if err != nil {
		return err
	}
	a := GoalsAnswer{Desk: desk, Teams: []TeamGoal{}}
	for _, t := range teams {
		g, err := s.SLA.TeamGoal(ctx, t.ID)
		if err != nil {
			return err
		}
		a.Teams = append(a.Teams, TeamGoal{TeamName: t.Name, Goal: g})
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s LevelSection) setDesk(w http.ResponseWriter, r *http.Request) error {
	return s.setGoal(w, r, 0)
}

func (s LevelSection) setTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := s.teamID(r)
	if err != nil {
		return err
	}
	return s.setGoal(w, r, id)
}

func (s LevelSection) setGoal(w http.ResponseWriter, r *http.Request, teamID int64) error {
	var in GoalInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := s.SLA.SetGoal(r.Context(), teamID, in.GoalPercent, in.OrangePercent)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (s LevelSection) clearTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := s.teamID(r)
	if err != nil {
		return err
	}
	if err := s.SLA.ClearGoal(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// teamID reads the path's team, which must exist.
func (s LevelSection) teamID(r *http.Request) (int64, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.Teams.Get(r.Context(), id); err != nil {
		return 0, err
	}
	return id, nil
}
