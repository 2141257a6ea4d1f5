// Package feedbackpages serves the customer survey pages reached from the
// solve notification (/feedback/{token}) and the agents' needs-recovery
// list (/recovery). The token in a survey link is what authorises its
// page: no sign-in. Opening a link (GET or HEAD, with or without ?csat=N)
// renders the form with the score chosen and records nothing, so mail
// scanners that open every link record nothing; only the form's POST
// records (internal/feedback).
package feedbackpages

import (
	"embed"
	"errors"
	"log/slog"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

//go:embed templates
var templates embed.FS

// Deps are the services the pages call.
type Deps struct {
	Log      *slog.Logger
	Settings *settings.Store
	Feedback *feedback.Service
}

// Pages serves the survey pages and the needs-recovery list.
type Pages struct {
	kit.Surface
	Deps
}

// New returns the two route tables: the customers' survey pages, answered
// with their own branded error pages, and the agents' list in the
// workspace.
func New(k *kit.Kit, deps Deps) (public, workspace kit.Table, err error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, kit.Table{}, err
	}
	p := &Pages{Surface: s, Deps: deps}
	public = kit.Table{Surface: "feedback", Adapt: p.surveyPage, Routes: []kit.Route{
		{Pattern: "GET /feedback/{token}", Level: kit.Public, Handler: p.surveyForm},
		{Pattern: "POST /feedback/{token}", Level: kit.Public, Handler: p.surveyAnswer},
		{Pattern: "POST /feedback/{token}/opt-out", Level: kit.Public, Handler: p.surveyOptOut},
	}}
	workspace = kit.Table{Surface: "feedback-recovery", Routes: []kit.Route{
		{Pattern: "GET " + feedback.RecoveryPath, Level: kit.Agent, Handler: p.recoveryList},
		{Pattern: "POST /recovery/{ticket}/followed-up", Level: kit.Agent, Handler: p.followedUp},
	}}
	return public, workspace, nil
}

// surveyPage adapts a survey handler: security headers, and errors as the
// survey's own branded page (a customer never sees the agents' layout).
func (p *Pages) surveyPage(h httpx.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kit.SetPageHeaders(w)
		err := httpx.CheckRequestText(r)
		if err == nil {
			err = h(w, r)
		}
		if err == nil {
			return
		}
		status, detail := httpx.Describe(r.Context(), err)
		if status == 499 {
			return
		}
		page := &surveyPage{Brand: p.brand(r), Title: "Something went wrong", Error: detail.Message}
		switch {
		case errors.Is(err, feedback.ErrReopened):
			status, page.Title, page.Error = http.StatusGone, "This request was reopened", ""
			page.State = "reopened"
		case apperr.Is(err, apperr.KindNotFound):
			page.Title, page.Error = "Survey not found", "This link does not open a survey. Check that the whole link was copied."
		default:
			httpx.LogError(r, p.Log, err)
		}
		p.Fragment(w, r, status, "feedback_survey", "feedback_layout", page)
	})
}

// brand is the company's name, as the portal shows it.
type brand struct{ Name string }

func (p *Pages) brand(r *http.Request) brand {
	b := brand{Name: settings.DefaultCompanyName}
	if st, err := p.Settings.Get(r.Context()); err == nil {
		b.Name = st.CompanyName
	}
	return b
}
