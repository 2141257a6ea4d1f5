package people

import (
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/standing"
)

// feedbackView is the customer feedback card of an agent's page: the
// answers, newest first, and the monthly series as a table. The table is
// the chart's accessible form; when ECharts is vendored the figure
// (#feedback-chart) is given the same series, standing.Profile's
// feedback.series, which the API also answers.
type feedbackView struct {
	Show   bool
	Lines  []standing.FeedbackLine
	More   bool
	Series []feedbackMonth
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
	pct := func(f *float64) string {
		if f == nil {
			return "–"
		}
		return strconv.FormatFloat(*f, 'f', 1, 64) + "%"
	}
	mean := func(f *float64) string {
		if f == nil {
			return "–"
		}
		return strconv.FormatFloat(*f, 'f', 2, 64)
	}
	for _, s := range p.Feedback.Series {
		label := s.Month
		if m, err := time.Parse("2006-01", s.Month); err == nil {
			label = m.Format("Jan 2006")
		}
		v.Series = append(v.Series, feedbackMonth{Month: label, Answers: s.Answers, TeamAnswers: s.TeamAnswers,
			CSAT: pct(s.CSATScore), TeamCSAT: pct(s.TeamCSATScore), CES: mean(s.CESMean), TeamCES: mean(s.TeamCESMean)})
	}
	return v
}
