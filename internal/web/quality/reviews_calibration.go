package quality

import (
	"math"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Calibration: a lead opens a session on one ticket for several
// reviewers; each scores it blind (the quality service shows nobody the
// others' reviews while the session is open); once closed, a table
// compares their marks per category, and the agreement page shows how
// closely each reviewer scores with the others over time.

// apartBy is how far (in points of 0-100) a reviewer's mark must be from
// the session's mean for the comparison to highlight it.
const apartBy = 25

// calibrationsPage is GET /reviews/calibrations.
type calibrationsPage struct {
	Page
	kit.FormProblem
	Lead        bool
	Sessions    []calibrationLine
	Scorecards  []*quality.Scorecard
	Reviewers   []reviewChoice
	TicketID    string
	ScorecardID int64
}

type calibrationLine struct {
	quality.CalibrationSummary
	Ticket ticketBrief
}

func (wb *reviewPages) calibrationsPage(w http.ResponseWriter, r *http.Request) error {
	p := &calibrationsPage{TicketID: r.URL.Query().Get("ticket_id")}
	return wb.renderCalibrations(w, r, http.StatusOK, p, nil, nil)
}

func (wb *reviewPages) renderCalibrations(w http.ResponseWriter, r *http.Request, status int, p *calibrationsPage,
	chosen []int64, problem error) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	p.Page, p.Lead = wb.BasePage(r, "Calibration"), me.IsLead()
	sessions, err := wb.Quality.Calibrations(ctx, me)
	if err != nil {
		return err
	}
	for _, s := range sessions {
		l := calibrationLine{CalibrationSummary: s}
		if l.Ticket, err = wb.ticketBrief(ctx, s.TicketID); err != nil {
			return err
		}
		p.Sessions = append(p.Sessions, l)
	}
	if p.Lead {
		if p.Scorecards, err = wb.Quality.Scorecards(ctx); err != nil {
			return err
		}
		if p.Reviewers, err = wb.reviewerChoices(ctx, chosen); err != nil {
			return err
		}
		if len(chosen) == 0 {
			for i := range p.Reviewers {
				p.Reviewers[i].Checked = false
			}
		}
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, "reviews_calibrations", p)
	return nil
}

// createCalibration answers POST /reviews/calibrations; leads only.
func (wb *reviewPages) createCalibration(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("ticket_id", "cannot read the form")
	}
	p := &calibrationsPage{TicketID: r.PostFormValue("ticket_id")}
	reviewers, err := postedIDs(r, "reviewer_ids")
	if err != nil {
		return wb.renderCalibrations(w, r, 0, p, nil, err)
	}
	in := quality.NewCalibration{ReviewerIDs: reviewers}
	if in.TicketID, err = postedID(r, "ticket_id"); err != nil {
		return wb.renderCalibrations(w, r, 0, p, reviewers, err)
	}
	if in.ScorecardID, err = postedID(r, "scorecard_id"); err != nil {
		return wb.renderCalibrations(w, r, 0, p, reviewers, err)
	}
	p.ScorecardID = in.ScorecardID
	c, err := wb.Quality.CreateCalibration(r.Context(), me, in)
	if err != nil {
		return wb.renderCalibrations(w, r, 0, p, reviewers, err)
	}
	wb.Flash(r, "The calibration session is open: each reviewer scores the ticket without seeing the others.")
	http.Redirect(w, r, "/reviews/calibrations/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// calibrationPage is GET /reviews/calibrations/{id}.
type calibrationPage struct {
	Page
	Session      *quality.Calibration
	Ticket       ticketBrief
	Scorecard    *quality.Scorecard
	Lead         bool
	Participant  bool
	MyReview     *quality.Review
	Participants []participantLine
	// Once closed: the comparison, one row per category.
	Columns []string // the reviewers who submitted
	Rows    []comparisonRow
	Scores  []string // each column's review score
}

type participantLine struct {
	Name      string
	Submitted bool
	Agreement string
}

// comparisonRow is one category's marks across the reviewers.
type comparisonRow struct {
	Name   string
	Cells  []comparisonCell
	Spread string
	Apart  bool
}

type comparisonCell struct {
	Mark  string
	Apart bool // far from the session's mean
}

func (wb *reviewPages) calibrationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.Quality.Calibration(ctx, me, id)
	if err != nil {
		return err
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	p := &calibrationPage{Page: wb.BasePage(r, "Calibration session "+strconv.FormatInt(c.ID, 10)), Session: c,
		Lead: me.IsLead()}
	if p.Ticket, err = wb.ticketBrief(ctx, c.TicketID); err != nil {
		return err
	}
	if p.Scorecard, err = wb.Quality.Scorecard(ctx, c.ScorecardID); err != nil {
		return err
	}
	for _, pt := range c.Participants {
		l := participantLine{Name: ppl.UserName(&pt.ReviewerID), Submitted: pt.Submitted}
		if pt.Agreement != nil {
			l.Agreement = strconv.FormatFloat(*pt.Agreement, 'f', 1, 64)
		}
		p.Participants = append(p.Participants, l)
		p.Participant = p.Participant || pt.ReviewerID == me.ID
	}
	for _, rv := range c.Reviews {
		if rv.ReviewerID == me.ID {
			p.MyReview = rv
		}
	}
	if c.Status == quality.SessionClosed {
		p.compare(c, ppl)
	}
	wb.Render(w, r, http.StatusOK, "reviews_calibration", p)
	return nil
}

// compare fills the comparison table of a closed session from its
// submitted reviews, marking what is far from the mean.
func (p *calibrationPage) compare(c *quality.Calibration, ppl *conversation.People) {
	var submitted []*quality.Review
	for _, rv := range c.Reviews {
		if rv.Status == quality.StatusSubmitted {
			submitted = append(submitted, rv)
			p.Columns = append(p.Columns, ppl.UserName(&rv.ReviewerID))
			p.Scores = append(p.Scores, reviewScore(rv.Score))
		}
	}
	diffs := map[int64]quality.CategoryDifference{}
	for _, d := range c.Differences {
		diffs[d.CategoryID] = d
	}
	for _, cat := range p.Scorecard.Categories {
		d := diffs[cat.ID]
		row := comparisonRow{Name: cat.Name, Spread: strconv.FormatFloat(d.Spread, 'f', 0, 64), Apart: d.Spread >= apartBy}
		for _, rv := range submitted {
			cell := comparisonCell{Mark: "—"}
			for _, rt := range rv.Ratings {
				if rt.CategoryID == cat.ID {
					cell.Mark = markText(cat, rt)
				}
			}
			if v, ok := d.Ratings[rv.ReviewerID]; ok && d.Mean != nil {
				cell.Apart = math.Abs(v-*d.Mean) >= apartBy
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Rows = append(p.Rows, row)
	}
}

// closeCalibration answers POST /reviews/calibrations/{id}/close.
func (wb *reviewPages) closeCalibration(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := wb.Quality.CloseCalibration(r.Context(), me, id); err != nil {
		return err
	}
	wb.Flash(r, "The session is closed: every reviewer now sees the comparison.")
	http.Redirect(w, r, "/reviews/calibrations/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// agreementPage is GET /reviews/agreement: how closely each reviewer
// scores with the others, over the closed sessions; leads only.
type agreementPage struct {
	Page
	Reviewers []agreementLine
}

type agreementLine struct {
	Name      string
	Sessions  int
	Agreement string
	Low       bool
}

func (wb *reviewPages) agreementPage(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	ctx := r.Context()
	as, err := wb.Quality.Agreements(ctx, me)
	if err != nil {
		return err
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	p := &agreementPage{Page: wb.BasePage(r, "Reviewer agreement")}
	for _, a := range as {
		p.Reviewers = append(p.Reviewers, agreementLine{Name: ppl.UserName(&a.ReviewerID), Sessions: a.Sessions,
			Agreement: strconv.FormatFloat(a.Agreement, 'f', 1, 64), Low: a.Agreement < 100-apartBy})
	}
	wb.Render(w, r, http.StatusOK, "reviews_agreement", p)
	return nil
}
