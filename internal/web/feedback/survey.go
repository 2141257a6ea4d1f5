package feedbackpages

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

// surveyPage is the data of the survey page in each of its states.
type surveyPage struct {
	Brand brand
	Title string
	// State: "form", "thanks" (just answered), "locked" (answered more
	// than 7 days ago) or "reopened".
	State string
	Form  *feedback.Form
	// CSAT and CES are the scores to show chosen; 0 for none.
	CSAT, CES int
	Comment   string
	Reason    string
	// ChangeUntil is when the answer stops being changeable.
	ChangeUntil *time.Time
	// OptedOut: the customer asked for no more surveys.
	OptedOut   bool
	Error      string
	ErrorField string
}

// Scale is one choice of a score.
type Scale struct {
	Value int
	Label string
}

// CSATScale lists the CSAT choices, best first.
func (surveyPage) CSATScale() []Scale {
	var out []Scale
	for v := feedback.MaxCSAT; v >= feedback.MinCSAT; v-- {
		out = append(out, Scale{v, feedback.CSATLabels[v]})
	}
	return out
}

// CESScale lists the CES choices, from agree to disagree.
func (surveyPage) CESScale() []Scale {
	var out []Scale
	for v := feedback.MaxCES; v >= feedback.MinCES; v-- {
		out = append(out, Scale{v, feedback.CESLabels[v]})
	}
	return out
}

// CSATQuestion is the satisfaction question.
func (surveyPage) CSATQuestion() string { return feedback.CSATQuestion }

// surveyForm renders the survey with the score of ?csat= (or the answer
// given) chosen. It records nothing: it only reads.
func (p *Pages) surveyForm(w http.ResponseWriter, r *http.Request) error {
	f, err := p.Feedback.FormByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	page := p.pageOf(r, f)
	if page.State == "form" {
		if n, err := strconv.Atoi(r.URL.Query().Get("csat")); err == nil && n >= feedback.MinCSAT && n <= feedback.MaxCSAT {
			page.CSAT = n
		}
	}
	p.Fragment(w, r, http.StatusOK, "feedback_survey", "feedback_layout", page)
	return nil
}

// pageOf is the page of a survey as it stands.
func (p *Pages) pageOf(r *http.Request, f *feedback.Form) *surveyPage {
	page := &surveyPage{Brand: brand{Name: f.Company}, Form: f, Title: "How did we do?", State: "form"}
	sv := f.Survey
	if out, err := p.Feedback.OptedOut(r.Context(), sv.CustomerID); err == nil {
		page.OptedOut = out
	} else {
		p.Log.Warn("feedback: read opt-out", "err", err)
	}
	page.CSAT, page.CES, page.Comment, page.Reason = deref(sv.CSAT), deref(sv.CES), sv.Comment, sv.Reason
	if sv.AnsweredAt != nil {
		until := sv.AnsweredAt.Add(feedback.ChangeWindow)
		page.ChangeUntil = &until
	}
	switch {
	case f.Reopened:
		page.State, page.Title = "reopened", "This request was reopened"
	case f.Locked:
		page.State, page.Title = "locked", "Thank you for your answer"
	}
	return page
}

// surveyAnswer records the form's answer: csat, ces, comment and reason.
// A second answer replaces the first within 7 days. A reopened ticket
// answers 410 and records nothing.
func (p *Pages) surveyAnswer(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	in, inErr := feedback.ParseInput(r.PostFormValue("csat"), r.PostFormValue("ces"),
		r.PostFormValue("comment"), r.PostFormValue("reason"))
	var err error = inErr
	if inErr == nil {
		_, err = p.Feedback.Answer(r.Context(), token, in)
	}
	if errors.Is(err, feedback.ErrReopened) {
		return err
	}
	f, ferr := p.Feedback.FormByToken(r.Context(), token)
	if ferr != nil {
		return ferr
	}
	page := p.pageOf(r, f)
	if err == nil {
		page.State, page.Title = "thanks", "Thank you"
		p.Fragment(w, r, http.StatusOK, "feedback_survey", "feedback_layout", page)
		return nil
	}
	if errors.Is(err, feedback.ErrChangeWindowOver) {
		page.State, page.Title = "locked", "Thank you for your answer"
		p.Fragment(w, r, http.StatusConflict, "feedback_survey", "feedback_layout", page)
		return nil
	}
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 {
		return err
	}
	// Keep what the customer chose, with the problem above the form.
	page.Error, page.ErrorField = detail.Message, detail.Field
	page.CSAT, page.CES = atoi(r.PostFormValue("csat")), atoi(r.PostFormValue("ces"))
	page.Comment, page.Reason = r.PostFormValue("comment"), r.PostFormValue("reason")
	p.Fragment(w, r, status, "feedback_survey", "feedback_layout", page)
	return nil
}

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// surveyOptOut records that the customer wants no more surveys; the
// survey itself stays as it is.
func (p *Pages) surveyOptOut(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if err := p.Feedback.OptOutByToken(r.Context(), token); err != nil {
		return err
	}
	http.Redirect(w, r, feedback.Path(token), http.StatusSeeOther)
	return nil
}
