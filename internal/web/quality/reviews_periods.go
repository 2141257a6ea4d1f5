package quality

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// The period admin, for leads: open a review period (a week by default),
// draw its queue, see the queue per reviewer and the period's quality
// scores per agent.

// periodLine is one period in a list.
type periodLine struct {
	ID       int64
	Label    string
	Drawn    int
	Done     int
	PerAgent int
}

// periodLabel writes a period as its first and last day.
func periodLabel(p *quality.Period) string {
	last := p.EndsAt.Add(-time.Nanosecond)
	return p.StartsAt.UTC().Format("2 Jan 2006") + " – " + last.UTC().Format("2 Jan 2006")
}

// periodLines lists the periods with how far their queues have come.
func (wb *reviewPages) periodLines(ctx context.Context) ([]periodLine, error) {
	me := user.FromContext(ctx)
	ps, err := wb.Quality.Periods(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]periodLine, 0, len(ps))
	for _, p := range ps {
		l := periodLine{ID: p.ID, Label: periodLabel(p), PerAgent: p.PerAgent}
		q, err := wb.Quality.PeriodQueue(ctx, me, p.ID)
		if err != nil {
			return nil, err
		}
		scores, err := wb.Quality.PeriodScores(ctx, me, p.ID)
		if err != nil {
			return nil, err
		}
		l.Drawn = len(q)
		for _, s := range scores {
			l.Done += s.Reviews
		}
		out = append(out, l)
	}
	return out, nil
}

// periodsPage is GET /reviews/periods: the periods and the form that opens
// one.
type periodsPage struct {
	Page
	kit.FormProblem
	Periods     []periodLine
	Scorecards  []*quality.Scorecard
	Reviewers   []reviewChoice
	From, To    string // the form's dates, first and last day
	PerAgent    int
	ScorecardID int64
	DrawNow     bool
}

const dayLayout = "2006-01-02"

func (wb *reviewPages) periodsPage(w http.ResponseWriter, r *http.Request) error {
	start := quality.WeekStart(time.Now())
	p := &periodsPage{From: start.Format(dayLayout), To: start.AddDate(0, 0, 6).Format(dayLayout),
		PerAgent: quality.DefaultPerAgent, DrawNow: true}
	return wb.renderPeriods(w, r, http.StatusOK, p, nil, nil)
}

func (wb *reviewPages) renderPeriods(w http.ResponseWriter, r *http.Request, status int, p *periodsPage, chosen []int64, problem error) error {
	ctx := r.Context()
	p.Page = wb.BasePage(r, "Review periods")
	var err error
	if p.Periods, err = wb.periodLines(ctx); err != nil {
		return err
	}
	if p.Scorecards, err = wb.Quality.Scorecards(ctx); err != nil {
		return err
	}
	if p.Reviewers, err = wb.reviewerChoices(ctx, chosen); err != nil {
		return err
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, "reviews_periods", p)
	return nil
}

// reviewerChoices lists the active users as reviewers to tick; with none
// chosen, the leads are ticked (whom a draw picks by default).
func (wb *reviewPages) reviewerChoices(ctx context.Context, chosen []int64) ([]reviewChoice, error) {
	us, err := wb.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []reviewChoice
	for _, u := range kit.ActiveAgents(us) {
		on := slices.Contains(chosen, u.ID)
		if len(chosen) == 0 {
			on = u.IsLead()
		}
		out = append(out, reviewChoice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name, Checked: on})
	}
	return out, nil
}

// createPeriod answers POST /reviews/periods, and draws the queue at once
// when asked.
func (wb *reviewPages) createPeriod(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("starts_at", "cannot read the form")
	}
	form := &periodsPage{From: r.PostFormValue("from"), To: r.PostFormValue("to"), DrawNow: r.PostFormValue("draw") != ""}
	reviewers, err := postedIDs(r, "reviewer_ids")
	if err != nil {
		return wb.renderPeriods(w, r, 0, form, nil, err)
	}
	in, err := periodFromForm(r, form)
	if err != nil {
		return wb.renderPeriods(w, r, 0, form, reviewers, err)
	}
	p, err := wb.Quality.CreatePeriod(r.Context(), me, in)
	if err != nil {
		return wb.renderPeriods(w, r, 0, form, reviewers, err)
	}
	wb.Flash(r, "The period "+periodLabel(p)+" is open.")
	if form.DrawNow {
		wb.draw(r, me, p.ID, reviewers)
	}
	http.Redirect(w, r, "/reviews/periods/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	return nil
}

// periodFromForm reads the period form; the last day is included.
func periodFromForm(r *http.Request, form *periodsPage) (quality.NewPeriod, error) {
	var in quality.NewPeriod
	from, err := time.Parse(dayLayout, strings.TrimSpace(form.From))
	if err != nil {
		return in, apperr.Invalid("starts_at", "give the first day as a date (YYYY-MM-DD)")
	}
	to, err := time.Parse(dayLayout, strings.TrimSpace(form.To))
	if err != nil {
		return in, apperr.Invalid("ends_at", "give the last day as a date (YYYY-MM-DD)")
	}
	end := to.AddDate(0, 0, 1)
	in.StartsAt, in.EndsAt = &from, &end
	if v := strings.TrimSpace(r.PostFormValue("per_agent")); v != "" {
		if in.PerAgent, err = strconv.Atoi(v); err != nil || in.PerAgent <= 0 {
			return in, apperr.Invalid("per_agent", "must be a whole number from 1 to %d", quality.MaxPerAgent)
		}
	}
	form.PerAgent = in.PerAgent
	if in.ScorecardID, err = postedID(r, "scorecard_id"); err != nil {
		return in, err
	}
	form.ScorecardID = in.ScorecardID
	return in, nil
}

// draw fills a period's queue and says how it went in the flash.
func (wb *reviewPages) draw(r *http.Request, me *user.User, periodID int64, reviewers []int64) {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	res, err := wb.Quality.Draw(r.Context(), me, periodID, reviewers, rng)
	if err != nil {
		_, detail := httpx.Describe(r.Context(), err)
		httpx.LogError(r, wb.Log, err)
		wb.Flash(r, "The queue was not drawn: "+detail.Message)
		return
	}
	msg := strconv.Itoa(len(res.Drawn)) + " tickets drawn into the queue."
	if n := len(res.AgentsWithoutReviewer); n > 0 {
		msg += " " + strconv.Itoa(n) + " agent(s) had no reviewer but themselves."
	}
	wb.Flash(r, msg)
}

// drawPeriod answers POST /reviews/periods/{id}/draw.
func (wb *reviewPages) drawPeriod(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := wb.Quality.Period(r.Context(), id); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("reviewer_ids", "cannot read the form")
	}
	reviewers, err := postedIDs(r, "reviewer_ids")
	if err != nil {
		return err
	}
	wb.draw(r, me, id, reviewers)
	http.Redirect(w, r, "/reviews/periods/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// periodPage is GET /reviews/periods/{id}.
type periodPage struct {
	Page
	Period     *quality.Period
	Scorecard  *quality.Scorecard
	ByReviewer []reviewerQueue
	Scores     []agentScore
	Reviewers  []reviewChoice
}

// reviewerQueue is one reviewer's part of a period's queue.
type reviewerQueue struct {
	Reviewer string
	Items    []periodItem
	Done     int
}

// periodItem is one drawn ticket and where its review stands.
type periodItem struct {
	queueItem
	State string
	Score string
}

// agentScore is one agent's quality score for the period.
type agentScore struct {
	Agent   string
	Score   string
	Reviews int
}

func (wb *reviewPages) periodPage(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	period, err := wb.Quality.Period(ctx, id)
	if err != nil {
		return err
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	p := &periodPage{Page: wb.BasePage(r, "Review period "+periodLabel(period)), Period: period}
	if p.Scorecard, err = wb.Quality.Scorecard(ctx, period.ScorecardID); err != nil {
		return err
	}
	if p.ByReviewer, err = wb.periodQueues(ctx, me, period, ppl); err != nil {
		return err
	}
	scores, err := wb.Quality.PeriodScores(ctx, me, id)
	if err != nil {
		return err
	}
	for _, s := range scores {
		p.Scores = append(p.Scores, agentScore{Agent: ppl.UserName(&s.AgentID), Score: reviewScore(s.Score), Reviews: s.Reviews})
	}
	if p.Reviewers, err = wb.reviewerChoices(ctx, nil); err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "reviews_period", p)
	return nil
}

// periodQueues groups a period's queue by reviewer, each item with the
// state of its review.
func (wb *reviewPages) periodQueues(ctx context.Context, me *user.User, period *quality.Period, ppl *conversation.People) ([]reviewerQueue, error) {
	queue, err := wb.Quality.PeriodQueue(ctx, me, period.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := wb.Quality.Reviews(ctx, me, quality.ReviewFilter{PeriodID: period.ID, Limit: quality.MaxReviewLimit})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*quality.Review{}
	for _, rv := range reviews {
		byID[rv.ID] = rv
	}
	signals, err := wb.Quality.PeriodSignals(ctx, me, period.ID)
	if err != nil {
		return nil, err
	}
	var out []reviewerQueue
	at := map[int64]int{}
	for _, a := range queue {
		it := periodItem{queueItem: queueItem{Assignment: a, Agent: ppl.UserName(&a.AgentID), Why: whyDrawn(a, signals)},
			State: "Not begun"}
		if it.Ticket, err = wb.ticketBrief(ctx, a.TicketID); err != nil {
			return nil, err
		}
		done := false
		if a.ReviewID != nil {
			if rv := byID[*a.ReviewID]; rv != nil {
				it.State, it.Score = string(rv.Status), reviewScore(rv.Score)
				done = rv.Status != quality.StatusDraft
			}
		}
		i, ok := at[a.ReviewerID]
		if !ok {
			i = len(out)
			at[a.ReviewerID] = i
			out = append(out, reviewerQueue{Reviewer: ppl.UserName(&a.ReviewerID)})
		}
		out[i].Items = append(out[i].Items, it)
		if done {
			out[i].Done++
		}
	}
	return out, nil
}
