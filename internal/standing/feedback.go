package standing

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Feedback is what customers told an agent: every answer attributed to
// them, newest first, and their CSAT and CES per month beside their
// team's. The tables are package feedback's, read here read-only.
type Feedback struct {
	Lines  []FeedbackLine  `json:"lines"`
	Series []FeedbackPoint `json:"series"` // oldest first, FeedbackMonths of them
	// More is true when there are more answers than MaxFeedbackLines.
	More bool `json:"more"`
}

// FeedbackLine is one answer a customer gave about a ticket the agent
// worked.
type FeedbackLine struct {
	SurveyID      int64     `json:"survey_id"`
	TicketID      int64     `json:"ticket_id"`
	TicketNumber  int64     `json:"ticket_number"`
	TicketSubject string    `json:"ticket_subject"`
	CSAT          *int      `json:"csat"`
	CES           *int      `json:"ces"`
	Comment       string    `json:"comment"`
	Reason        string    `json:"reason"`
	AnsweredAt    time.Time `json:"answered_at"`
	IsAssignee    bool      `json:"is_assignee"` // assigned when solved; else they replied publicly
}

// FeedbackPoint is one month of answers: the agent's and the team's.
// CSATScore is the share of CSAT answers of 4 or 5, in percent; CESMean
// the mean CES (1-7); each nil for a month with none. The team is every
// team the agent belongs to (the survey's team, frozen at the solve).
type FeedbackPoint struct {
	Month         string   `json:"month"` // "2026-12"
	Answers       int      `json:"answers"`
	CSATScore     *float64 `json:"csat_score"`
	CESMean       *float64 `json:"ces_mean"`
	TeamAnswers   int      `json:"team_answers"`
	TeamCSATScore *float64 `json:"team_csat_score"`
	TeamCESMean   *float64 `json:"team_ces_mean"`
}

// MaxFeedbackLines bounds the answers an agent's page lists.
const MaxFeedbackLines = 200

// FeedbackMonths is how many months the series covers.
const FeedbackMonths = 6

func agentFeedback(ctx context.Context, q db.Queryer, agentID int64, now time.Time) (*Feedback, error) {
	f := &Feedback{Lines: []FeedbackLine{}}
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.ticket_id, t.number, t.subject, s.csat, s.ces, s.comment,
			s.reason, s.answered_at, a.is_assignee
		FROM feedback_survey_agents a JOIN feedback_surveys s ON s.id = a.survey_id JOIN tickets t ON t.id = s.ticket_id
		WHERE a.user_id = $1 AND s.status = 'answered' AND s.answered_at IS NOT NULL
		ORDER BY s.answered_at DESC, s.id DESC LIMIT $2`, agentID, MaxFeedbackLines+1)
	if err != nil {
		return nil, fmt.Errorf("standing: feedback of %d: %w", agentID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l FeedbackLine
		if err := rows.Scan(&l.SurveyID, &l.TicketID, &l.TicketNumber, &l.TicketSubject, &l.CSAT, &l.CES,
			&l.Comment, &l.Reason, db.ScanTime(&l.AnsweredAt), &l.IsAssignee); err != nil {
			return nil, fmt.Errorf("standing: scan feedback: %w", err)
		}
		f.Lines = append(f.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(f.Lines) > MaxFeedbackLines {
		f.Lines, f.More = f.Lines[:MaxFeedbackLines], true
	}
	f.Series, err = feedbackSeries(ctx, q, agentID, now)
	return f, err
}

// monthTally adds up one month's answers.
type monthTally struct{ answers, csatN, csatGood, cesN, cesSum int }

func (m *monthTally) add(csat, ces *int) {
	m.answers++
	if csat != nil {
		m.csatN++
		if *csat >= 4 {
			m.csatGood++
		}
	}
	if ces != nil {
		m.cesN++
		m.cesSum += *ces
	}
}

func (m *monthTally) figures() (csatScore, cesMean *float64) {
	if m.csatN > 0 {
		v := round1(float64(m.csatGood) * 100 / float64(m.csatN))
		csatScore = &v
	}
	if m.cesN > 0 {
		v := round2(float64(m.cesSum) / float64(m.cesN))
		cesMean = &v
	}
	return csatScore, cesMean
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// feedbackSeries tallies the agent's answers and their teams' by the month
// they were first given, over the last FeedbackMonths months.
func feedbackSeries(ctx context.Context, q db.Queryer, agentID int64, now time.Time) ([]FeedbackPoint, error) {
	first := monthStart(now).AddDate(0, -(FeedbackMonths - 1), 0)
	index := map[string]int{}
	points := make([]FeedbackPoint, FeedbackMonths)
	for i := range points {
		points[i].Month = first.AddDate(0, i, 0).Format("2006-01")
		index[points[i].Month] = i
	}
	mine, team := make([]monthTally, FeedbackMonths), make([]monthTally, FeedbackMonths)
	rows, err := q.QueryContext(ctx, `SELECT s.answered_at, s.csat, s.ces,
			EXISTS (SELECT 1 FROM feedback_survey_agents a WHERE a.survey_id = s.id AND a.user_id = $1),
			s.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
		FROM feedback_surveys s
		WHERE s.status = 'answered' AND s.answered_at >= $2
			AND (s.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
				OR EXISTS (SELECT 1 FROM feedback_survey_agents a WHERE a.survey_id = s.id AND a.user_id = $1))`,
		agentID, db.Time(first))
	if err != nil {
		return nil, fmt.Errorf("standing: feedback series of %d: %w", agentID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			at          time.Time
			csat, ces   *int
			own, inTeam *bool
		)
		if err := rows.Scan(db.ScanTime(&at), &csat, &ces, &own, &inTeam); err != nil {
			return nil, fmt.Errorf("standing: scan feedback month: %w", err)
		}
		i, ok := index[at.UTC().Format("2006-01")]
		if !ok {
			continue
		}
		if own != nil && *own {
			mine[i].add(csat, ces)
		}
		if inTeam != nil && *inTeam {
			team[i].add(csat, ces)
		}
	}
	for i := range points {
		p := &points[i]
		p.Answers, p.TeamAnswers = mine[i].answers, team[i].answers
		p.CSATScore, p.CESMean = mine[i].figures()
		p.TeamCSATScore, p.TeamCESMean = team[i].figures()
	}
	return points, rows.Err()
}
