package portal

import (
	"net/http"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// portalSurvey is the survey a solved ticket's page shows: the same form
// as the survey link's page, sent to it (/feedback/{token}), so one rule
// records both.
type portalSurvey struct {
	Form        *feedback.Form
	Action      string
	CSAT, CES   int
	ChangeUntil *time.Time
}

// surveyScale is one choice of a score.
type surveyScale struct {
	Value int
	Label string
}

// CSATScale lists the CSAT choices, best first.
func (portalSurvey) CSATScale() []surveyScale {
	var out []surveyScale
	for v := feedback.MaxCSAT; v >= feedback.MinCSAT; v-- {
		out = append(out, surveyScale{v, feedback.CSATLabels[v]})
	}
	return out
}

// CESScale lists the CES choices, from agree to disagree.
func (portalSurvey) CESScale() []surveyScale {
	var out []surveyScale
	for v := feedback.MaxCES; v >= feedback.MinCES; v-- {
		out = append(out, surveyScale{v, feedback.CESLabels[v]})
	}
	return out
}

// CSATQuestion is the satisfaction question.
func (portalSurvey) CSATQuestion() string { return feedback.CSATQuestion }

// surveyOf is the survey to show on the customer's solved ticket; nil when
// there is none (not solved, not eligible, not sent yet, or reopened).
func (wb *Pages) surveyOf(r *http.Request, t *ticket.Ticket, c *customer.Customer) (*portalSurvey, error) {
	if wb.Feedback == nil || (t.Status != "solved" && t.Status != "closed") {
		return nil, nil
	}
	f, err := wb.Feedback.FormForCustomer(r.Context(), t.ID, c.ID)
	if apperr.Is(err, apperr.KindNotFound) || (err == nil && f.Reopened) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &portalSurvey{Form: f, Action: feedback.Path(f.Token)}
	if sv := f.Survey; sv.AnsweredAt != nil {
		until := sv.AnsweredAt.Add(feedback.ChangeWindow)
		s.ChangeUntil = &until
		if sv.CSAT != nil {
			s.CSAT = *sv.CSAT
		}
		if sv.CES != nil {
			s.CES = *sv.CES
		}
	}
	return s, nil
}
