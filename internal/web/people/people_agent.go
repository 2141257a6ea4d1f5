package people

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/user"
)

// agentPageData is GET /agents/{id}: an agent's work in one page.
type agentPageData struct {
	Page
	P        *standing.Profile
	Lead     bool
	Standing standingView
	Trend    trendChart
	Reviews  []agentReviewRow
	// Coaching is shown to the agent, leads, and everyone when coaching is
	// open to agents.
	ShowCoaching bool
	Coaching     []*coaching.Session
	Feedback     feedbackView
	Service      serviceView
	// Knowledge is the agent's knowledge contributions; nil leaves the
	// card out.
	Knowledge *kb.Contributions
}

// shownContributions bounds the articles listed on an agent's page.
const shownContributions = 10

// standingView is a standing as the pages show it.
type standingView struct {
	Has   bool
	Tier  string
	Class string // tier-green, tier-orange, tier-red, tier-none
	Score string
	// Reason stands in for the score when there is none yet, in words.
	Reason string
	Move   string
	Parts  []partView
	// Reviews and Answers are what the score stands on: submitted reviews
	// and answered customer surveys in the period.
	Reviews, Answers int
}

type partView struct {
	Label, Value, Weight, Detail string
}

// viewStanding shows a standing; minReviews is the programme's minimum,
// named when an agent has fewer.
func viewStanding(st *standing.Standing, minReviews int) standingView {
	if st == nil {
		return standingView{Tier: tierText(standing.None), Class: "tier-none", Score: "–"}
	}
	v := standingView{Has: st.Score != nil, Tier: tierText(st.Tier), Class: "tier-" + string(st.Tier),
		Score: scoreText(st.Score), Move: moveText(st), Reviews: st.Reviews, Answers: st.Answers}
	if st.Reason == standing.ReasonFewReviews {
		v.Reason = fmt.Sprintf("Not enough reviews yet: %d of the %d a score needs", st.Reviews, minReviews)
	}
	if st.Tier == standing.None {
		v.Class = "tier-none"
	}
	for _, p := range st.Parts {
		v.Parts = append(v.Parts, partView{Label: p.Label, Value: strconv.FormatFloat(p.Value, 'f', 1, 64),
			Weight: strconv.FormatFloat(p.Weight, 'f', -1, 64), Detail: p.Detail})
	}
	return v
}

// agentReviewRow is one review in the page's list.
type agentReviewRow struct {
	ID                 int64
	Ticket, Score, Why string
	When               *time.Time // when the review was submitted
	Voided             bool
}

// myPage serves GET /me: the signed-in agent's own page.
func (wb *Pages) myPage(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	http.Redirect(w, r, "/agents/"+strconv.FormatInt(me.ID, 10), http.StatusSeeOther)
	return nil
}

// agentPage serves GET /agents/{id}.
func (wb *Pages) agentPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := wb.Standing.Profile(ctx, me, id)
	if err != nil {
		return err
	}
	d := &agentPageData{Page: wb.BasePage(r, p.AgentName), P: p, Lead: me.IsLead(),
		Standing: viewStanding(p.Standing, p.MinReviews), Trend: newTrendChart(p.Trend), Feedback: newFeedbackView(p)}
	if p.Own {
		d.Title = "My page"
	}
	if d.Service, err = wb.newServiceView(ctx, p); err != nil {
		return err
	}
	if wb.KB != nil {
		c, err := wb.KB.ContributionsOf(ctx, id, shownContributions)
		if err != nil {
			return err
		}
		d.Knowledge = &c
	}
	for _, rv := range p.Reviews {
		row := agentReviewRow{ID: rv.ID, Ticket: fmt.Sprintf("#%d %s", rv.TicketNumber, rv.TicketSubject),
			Score: scoreText(rv.Score), Voided: rv.Status == string(quality.StatusVoided)}
		if rv.SubmittedAt != nil {
			row.When = rv.SubmittedAt
		}
		d.Reviews = append(d.Reviews, row)
	}
	open, err := wb.Coaching.VisibleToAgents(ctx)
	if err != nil {
		return err
	}
	if d.ShowCoaching = p.Own || d.Lead || open; d.ShowCoaching {
		if d.Coaching, err = wb.Coaching.Sessions(ctx, me, id); err != nil {
			return err
		}
	}
	wb.Render(w, r, http.StatusOK, "people_agent", d)
	return nil
}

// trendChart is a small bar chart of quality scores per period, drawn on
// the server as SVG (no script), with the same figures in a table.
type trendChart struct {
	Width, Height int
	Bars          []trendBar
}

type trendBar struct {
	X, Y, W, H int
	Label      string // the period's first day
	Score      string
	Empty      bool // no scored review that period
}

// Geometry of the chart, in SVG units.
const (
	chartHeight = 100 // the height of a score of 100
	chartBar    = 24
	chartGap    = 10
	chartBase   = 104 // the baseline, leaving room for a stub under empty bars
)

func newTrendChart(points []standing.TrendPoint) trendChart {
	c := trendChart{Width: max(1, len(points)*(chartBar+chartGap)), Height: chartBase + 2}
	for i, p := range points {
		b := trendBar{X: i * (chartBar + chartGap), W: chartBar, Label: p.StartsAt.UTC().Format("2 Jan"),
			Score: scoreText(p.Score)}
		if p.Score == nil {
			b.Empty, b.H = true, 2
		} else {
			b.H = max(2, int(*p.Score*chartHeight/100+0.5))
		}
		b.Y = chartBase - b.H
		c.Bars = append(c.Bars, b)
	}
	return c
}
