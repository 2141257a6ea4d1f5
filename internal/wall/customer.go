package wall

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// CustomerFeedback is what one customer said across all their tickets, for
// their page and the story beside their tickets (agents only, so the
// customer is not anonymised here): the answers, newest first, and the
// figures over all of them.
type CustomerFeedback struct {
	Answered  int              `json:"answered"`
	CSATScore *float64         `json:"csat_score"` // share of CSAT answers of 4 or 5, percent
	CSATMean  *float64         `json:"csat_mean"`
	CESMean   *float64         `json:"ces_mean"`
	Answers   []CustomerAnswer `json:"answers"` // the newest, up to the limit asked
	More      bool             `json:"more"`
}

// CustomerAnswer is one of the customer's answers.
type CustomerAnswer struct {
	SurveyID      int64     `json:"survey_id"`
	TicketID      int64     `json:"ticket_id"`
	TicketNumber  int64     `json:"ticket_number"`
	TicketSubject string    `json:"ticket_subject"`
	CSAT          *int      `json:"csat"`
	CES           *int      `json:"ces"`
	Band          string    `json:"band"`
	Comment       string    `json:"comment"`
	Reason        string    `json:"reason"`
	AnsweredAt    time.Time `json:"answered_at"`
}

// ForCustomer gathers the customer's answers: up to limit of them, and the
// figures over all. A customer who never answered gets a zero Answered.
func (s *Service) ForCustomer(ctx context.Context, customerID int64, limit int) (*CustomerFeedback, error) {
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.ticket_id, t.number, t.subject, s.csat, s.ces, s.comment,
			s.reason, s.answered_at
		FROM feedback_surveys s JOIN tickets t ON t.id = s.ticket_id
		WHERE s.customer_id = $1 AND s.status = 'answered' AND s.answered_at IS NOT NULL
		ORDER BY s.answered_at DESC, s.id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("wall: answers of customer %d: %w", customerID, err)
	}
	defer rows.Close()
	f := &CustomerFeedback{Answers: []CustomerAnswer{}}
	var csatN, csatGood, csatSum, cesN, cesSum int
	for rows.Next() {
		var a CustomerAnswer
		if err := rows.Scan(&a.SurveyID, &a.TicketID, &a.TicketNumber, &a.TicketSubject, &a.CSAT, &a.CES, &a.Comment,
			&a.Reason, db.ScanTime(&a.AnsweredAt)); err != nil {
			return nil, fmt.Errorf("wall: scan customer answer: %w", err)
		}
		a.Band = BandOf(a.CSAT, a.CES)
		f.Answered++
		if a.CSAT != nil {
			csatN, csatSum = csatN+1, csatSum+*a.CSAT
			if *a.CSAT >= 4 {
				csatGood++
			}
		}
		if a.CES != nil {
			cesN, cesSum = cesN+1, cesSum+*a.CES
		}
		if len(f.Answers) < limit {
			f.Answers = append(f.Answers, a)
		} else {
			f.More = true
		}
	}
	f.CSATScore, f.CSATMean, f.CESMean = ratio(csatGood*100, csatN, 10), ratio(csatSum, csatN, 100), ratio(cesSum, cesN, 100)
	return f, rows.Err()
}

// ratio is num/den rounded to 1/scale, or nil when den is 0.
func ratio(num, den int, scale float64) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(int64(float64(num)/float64(den)*scale+0.5)) / scale
	return &v
}
