package people

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/standing"
)

// serviceView is the service card of an agent's page: their first reply
// median, first replies in target, CSAT and CES over the last 30 days,
// each beside their team's. Shown to whom the customer feedback is.
type serviceView struct {
	Show     bool
	Own      bool
	TeamName string // "the desk" when the agent is in no team
	Rows     []serviceRow
}

type serviceRow struct {
	Label, Agent, Team, AgentNote, TeamNote string
}

// newServiceView reads the figures; src nil (surveys off in the wiring)
// leaves the card out.
func (wb *Pages) newServiceView(ctx context.Context, p *standing.Profile) (serviceView, error) {
	if wb.Figures == nil || !p.ShowFeedback {
		return serviceView{}, nil
	}
	f, err := standing.FiguresOf(ctx, *wb.Figures, p.AgentID, time.Now())
	if err != nil {
		return serviceView{}, err
	}
	v := serviceView{Show: true, Own: p.Own, TeamName: "Team " + f.TeamName}
	if f.TeamName == "" {
		v.TeamName = "The desk"
	}
	a, t := f.Agent, f.Team
	v.Rows = []serviceRow{
		{Label: "First reply, median", Agent: duration(a.FirstReplySeconds), Team: duration(t.FirstReplySeconds),
			AgentNote: count(a.FirstReplies, "first reply", "first replies"), TeamNote: count(t.FirstReplies, "first reply", "first replies")},
		{Label: "First replies in target", Agent: levelText(a.Level), Team: levelText(t.Level),
			AgentNote: decided(a.Level), TeamNote: decided(t.Level)},
		{Label: "CSAT", Agent: pct(a.CSAT), Team: pct(t.CSAT),
			AgentNote: count(int64(a.Answered), "answer", "answers"), TeamNote: count(int64(t.Answered), "answer", "answers")},
		{Label: "CES (1–7, lower is easier)", Agent: mean(a.CES), Team: mean(t.CES)},
	}
	return v, nil
}

// duration writes seconds as a person reads a wait: "45 s", "12 min",
// "3 h 20 min", "2 d 4 h"; "–" for none.
func duration(s *float64) string {
	if s == nil {
		return "–"
	}
	d := time.Duration(math.Round(*s)) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
}

func levelText(l sla.Level) string {
	if l.Share == nil {
		return "–"
	}
	return strconv.FormatFloat(*l.Share*100, 'f', 1, 64) + "%"
}

func decided(l sla.Level) string {
	if l.Met+l.Missed == 0 {
		return "none due"
	}
	return fmt.Sprintf("%d of %d met", l.Met, l.Met+l.Missed)
}

func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}
