package people

import (
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/standing"
)

// feedbackView is the customer feedback card of an agent's page: the
// answers, newest first, and the monthly series, drawn by ECharts
// (feedback_chart.js) from Chart and written out in a table, the chart's
// accessible form. Both come from the same rounded figures of
// standing.Profile's feedback.series, which the API also answers.
type feedbackView struct {
	Show   bool
	Lines  []standing.FeedbackLine
	More   bool
	Series []feedbackMonth
	Chart  feedbackChart
}

// feedbackChart is the JSON feedback_chart.js draws: one label per month
// and four lines, CSAT in percent on the left axis and CES (1-7) on the
// right; a month without answers is null, a gap.
type feedbackChart struct {
	Months []string      `json:"months"`
	Series []chartSeries `json:"series"`
}

type chartSeries struct {
	Name string     `json:"name"`
	Axis int        `json:"axis"` // 0: CSAT %, 1: CES
	Team bool       `json:"team"`
	Data []*float64 `json:"data"`
}

type feedbackMonth struct {
	Month                        string
	Answers, TeamAnswers         int
	CSAT, TeamCSAT, CES, TeamCES string
}

func newFeedbackView(p *standing.Profile) feedbackView {
	if !p.ShowFeedback || p.Feedback == nil {
		return feedbackView{}
	}
	v := feedbackView{Show: true, Lines: p.Feedback.Lines, More: p.Feedback.More}
	who := "Yours"
	if !p.Own {
		who = "Agent"
	}
	csat, teamCSAT := chartSeries{Name: who + " CSAT %"}, chartSeries{Name: "Team CSAT %", Team: true}
	ces, teamCES := chartSeries{Name: who + " CES", Axis: 1}, chartSeries{Name: "Team CES", Axis: 1, Team: true}
	for _, s := range p.Feedback.Series {
		label := s.Month
		if m, err := time.Parse("2006-01", s.Month); err == nil {
			label = m.Format("Jan 2006")
		}
		v.Series = append(v.Series, feedbackMonth{Month: label, Answers: s.Answers, TeamAnswers: s.TeamAnswers,
			CSAT: pct(s.CSATScore), TeamCSAT: pct(s.TeamCSATScore), CES: mean(s.CESMean), TeamCES: mean(s.TeamCESMean)})
		v.Chart.Months = append(v.Chart.Months, label)
		csat.Data = append(csat.Data, rounded(s.CSATScore, 1))
		teamCSAT.Data = append(teamCSAT.Data, rounded(s.TeamCSATScore, 1))
		ces.Data = append(ces.Data, rounded(s.CESMean, 2))
		teamCES.Data = append(teamCES.Data, rounded(s.TeamCESMean, 2))
	}
	v.Chart.Series = []chartSeries{csat, teamCSAT, ces, teamCES}
	return v
}

// pct and mean write a score as the table shows it; rounded gives the
// chart the same figure.
func pct(f *float64) string {
	if f == nil {
		return "–"
	}
	return strconv.FormatFloat(*f, 'f', 1, 64) + "%"
}

func mean(f *float64) string {
	if f == nil {
		return "–"
	}
	return strconv.FormatFloat(*f, 'f', 2, 64)
}

func rounded(f *float64, decimals int) *float64 {
	if f == nil {
		return nil
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(*f, 'f', decimals, 64), 64)
	return &r
}
