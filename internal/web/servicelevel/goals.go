package servicelevel

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// goalsPage is /admin/service-goals: the desk's default goal and each
// team's, beside today's first-reply level coloured against it.
type goalsPage struct {
	Page
	kit.FormProblem
	// ProblemTeam is the team whose form the problem is about; 0 for the
	// desk's.
	ProblemTeam int64
	ProblemName string // the name of that form: a team's, or "Desk default"
	Desk        goalRow
	Teams       []goalRow
	Today       string // the day the levels are of, in the viewer's zone
}

// goalRow is one goal's form and its level today.
type goalRow struct {
	TeamID    int64
	Name      string
	Goal      string // the form's values, as typed when it failed
	Orange    string
	Inherited bool
	Level     sla.Level
	Colour    string
	Problem   string // the field the form's problem names, if any
}

// Share writes the row's level as a percent, "–" with nothing decided.
func (g goalRow) Share() string {
	if g.Level.Share == nil {
		return "–"
	}
	return strconv.FormatFloat(*g.Level.Share*100, 'f', 1, 64) + "%"
}

// ColourText names the colour for people who cannot tell them apart.
func (g goalRow) ColourText() string {
	return map[string]string{sla.Green: "on goal", sla.Orange: "below goal", sla.Red: "below threshold",
		sla.Grey: "nothing due yet"}[g.Colour]
}

func percent(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (wb *Pages) goalsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderGoals(w, r, http.StatusOK, nil, -1, "", "")
}

// renderGoals draws the page; with a problem, the form of team (0: the
// desk) keeps the values typed.
func (wb *Pages) renderGoals(w http.ResponseWriter, r *http.Request, status int, problem error, team int64, goal, orange string) error {
	ctx := r.Context()
	loc := wb.Location(r)
	now := time.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	f := sla.LevelFilter{Metric: sla.FirstReply, From: start, To: start.AddDate(0, 0, 1)}
	teams, err := wb.Teams.List(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	levels, err := wb.SLA.TeamLevels(ctx, f, ids)
	if err != nil {
		return err
	}
	desk, err := wb.SLA.Judge(ctx, f)
	if err != nil {
		return err
	}
	p := &goalsPage{Page: wb.BasePage(r, "Service goals"), Today: start.Format("Monday 2 January"), ProblemTeam: team,
		Desk: goalRow{Name: "Desk default", Goal: percent(desk.Goal.GoalPercent), Orange: percent(desk.Goal.OrangePercent),
			Level: desk.Level, Colour: desk.Colour}}
	for i, t := range teams {
		j := levels[i]
		p.Teams = append(p.Teams, goalRow{TeamID: t.ID, Name: t.Name, Goal: percent(j.Goal.GoalPercent),
			Orange: percent(j.Goal.OrangePercent), Inherited: j.Goal.Inherited, Level: j.Level, Colour: j.Colour})
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
		row := &p.Desk
		for i := range p.Teams {
			if p.Teams[i].TeamID == team {
				row = &p.Teams[i]
			}
		}
		row.Goal, row.Orange, row.Problem = goal, orange, p.ErrorField
		p.ProblemName = row.Name
	}
	wb.Render(w, r, status, "goals", p)
	return nil
}

// goalForm reads a goal form's two percents, naming the field at fault.
func goalForm(r *http.Request) (goal, orange float64, goalText, orangeText string, err error) {
	goalText = strings.TrimSpace(r.PostFormValue("goal_percent"))
	orangeText = strings.TrimSpace(r.PostFormValue("orange_percent"))
	if goal, err = strconv.ParseFloat(goalText, 64); err != nil {
		return 0, 0, goalText, orangeText, apperr.Invalid("goal_percent", "must be a number of percent, such as 95")
	}
	if orange, err = strconv.ParseFloat(orangeText, 64); err != nil {
		return 0, 0, goalText, orangeText, apperr.Invalid("orange_percent", "must be a number of percent, such as 85")
	}
	return goal, orange, goalText, orangeText, nil
}

func (wb *Pages) saveDeskGoal(w http.ResponseWriter, r *http.Request) error {
	return wb.saveGoal(w, r, 0)
}

func (wb *Pages) saveTeamGoal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := wb.Teams.Get(r.Context(), id); err != nil {
		return err
	}
	return wb.saveGoal(w, r, id)
}

func (wb *Pages) saveGoal(w http.ResponseWriter, r *http.Request, team int64) error {
	goal, orange, goalText, orangeText, err := goalForm(r)
	if err == nil {
		if _, err = wb.SLA.SetGoal(r.Context(), team, goal, orange); err == nil {
			wb.Flash(r, "Goal saved.")
			http.Redirect(w, r, "/admin/service-goals", http.StatusSeeOther)
			return nil
		}
	}
	return wb.renderGoals(w, r, 0, err, team, goalText, orangeText)
}

func (wb *Pages) clearTeamGoal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := wb.Teams.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if err := wb.SLA.ClearGoal(r.Context(), id); err != nil {
		return err
	}
	wb.Flash(r, t.Name+" follows the desk's goal again.")
	http.Redirect(w, r, "/admin/service-goals", http.StatusSeeOther)
	return nil
}
