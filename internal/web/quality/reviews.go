package quality

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
)

// The review programme's pages (package quality does the work): the
// reviews home with my queue, the scoring form beside the ticket
// (reviews_form.go), a submitted review with its dispute
// (reviews_detail.go), the period admin and scorecard builder
// (reviews_periods.go) and calibration (reviews_calibration.go). Who may
// read which review is decided by the quality service alone; a review
// someone may not read is "not found" here as there.

// reviewsHome is GET /reviews.
type reviewsHome struct {
	Page
	Lead         bool
	Queue        []queueItem
	Drafts       []reviewLine
	OfMe         []reviewLine
	Calibrations []quality.CalibrationSummary // open sessions I score in
	Periods      []periodLine                 // leads
	OpenDisputes int                          // leads
}

// queueItem is one ticket of a reviewer's queue.
type queueItem struct {
	quality.Assignment
	Ticket ticketBrief
	Agent  string
	Why    string
	Period string
}

// reviewLine is one review in a list.
type reviewLine struct {
	*quality.Review
	Ticket   ticketBrief
	Agent    string
	Reviewer string
	Score    string
}

// ticketBrief is what a list says of a ticket.
type ticketBrief struct {
	ID      int64
	Number  int64
	Subject string
}

func (wb *reviewPages) reviewsHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	p := &reviewsHome{Page: wb.BasePage(r, "Reviews"), Lead: me.IsLead()}
	if p.Queue, err = wb.queueItems(ctx, me, ppl); err != nil {
		return err
	}
	drafts, err := wb.Quality.Reviews(ctx, me, quality.ReviewFilter{ReviewerID: me.ID, Status: quality.StatusDraft})
	if err != nil {
		return err
	}
	if p.Drafts, err = wb.reviewLines(ctx, drafts, ppl); err != nil {
		return err
	}
	ofMe, err := wb.Quality.Reviews(ctx, me, quality.ReviewFilter{AgentID: me.ID, Limit: 50})
	if err != nil {
		return err
	}
	if p.OfMe, err = wb.reviewLines(ctx, newestFirst(submittedOnly(ofMe)), ppl); err != nil {
		return err
	}
	cals, err := wb.Quality.Calibrations(ctx, me)
	if err != nil {
		return err
	}
	for _, c := range cals {
		if c.Mine && c.Status == quality.SessionOpen {
			p.Calibrations = append(p.Calibrations, c)
		}
	}
	if p.Lead {
		if p.Periods, err = wb.periodLines(ctx); err != nil {
			return err
		}
		open, err := wb.Quality.Disputes(ctx, me, quality.DisputeOpen)
		if err != nil {
			return err
		}
		p.OpenDisputes = len(open)
	}
	wb.Render(w, r, http.StatusOK, "reviews_home", p)
	return nil
}

// submittedOnly keeps the reviews an agent sees of their work: submitted
// or voided, never calibration ones.
func submittedOnly(rs []*quality.Review) []*quality.Review {
	var out []*quality.Review
	for _, r := range rs {
		if r.Status != quality.StatusDraft && r.CalibrationID == nil {
			out = append(out, r)
		}
	}
	return out
}

// newestFirst orders reviews by when they were submitted, latest first.
func newestFirst(rs []*quality.Review) []*quality.Review {
	slices.SortStableFunc(rs, func(a, b *quality.Review) int {
		if a.SubmittedAt == nil || b.SubmittedAt == nil {
			return 0
		}
		return b.SubmittedAt.Compare(*a.SubmittedAt)
	})
	return rs
}

// queueItems is the caller's open queue, each with why it was drawn.
func (wb *reviewPages) queueItems(ctx context.Context, me *user.User, ppl *conversation.People) ([]queueItem, error) {
	queue, err := wb.Quality.Queue(ctx, me, 0)
	if err != nil {
		return nil, err
	}
	signals := map[int64]map[int64]quality.Signals{}
	periods := map[int64]string{}
	out := make([]queueItem, 0, len(queue))
	for _, a := range queue {
		if _, ok := signals[a.PeriodID]; !ok {
			if signals[a.PeriodID], err = wb.Quality.PeriodSignals(ctx, me, a.PeriodID); err != nil {
				return nil, err
			}
			p, err := wb.Quality.Period(ctx, a.PeriodID)
			if err != nil {
				return nil, err
			}
			periods[a.PeriodID] = periodLabel(p)
		}
		it := queueItem{Assignment: a, Agent: ppl.UserName(&a.AgentID), Period: periods[a.PeriodID],
			Why: whyDrawn(a, signals[a.PeriodID])}
		if it.Ticket, err = wb.ticketBrief(ctx, a.TicketID); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// whyDrawn says in words why a ticket is in the queue.
func whyDrawn(a quality.Assignment, signals map[int64]quality.Signals) string {
	if a.Reason == quality.ReasonRandom {
		return "Picked at random"
	}
	s, ok := signals[a.TicketID]
	if !ok {
		return "Needs a look"
	}
	var why []string
	if s.Reopens > 0 {
		why = append(why, fmt.Sprintf("reopened %d×", s.Reopens))
	}
	if s.Messages > 6 {
		why = append(why, fmt.Sprintf("long thread (%d messages)", s.Messages))
	}
	if s.Rating != nil && *s.Rating < 5 {
		why = append(why, fmt.Sprintf("rated %.0f of 5", *s.Rating))
	}
	if s.Effort != nil && *s.Effort > 1 {
		why = append(why, fmt.Sprintf("effort %.0f of 7", *s.Effort))
	}
	if len(why) == 0 {
		return "Needs a look"
	}
	return "Needs a look: " + strings.Join(why, ", ")
}

func (wb *reviewPages) reviewLines(ctx context.Context, rs []*quality.Review, ppl *conversation.People) ([]reviewLine, error) {
	out := make([]reviewLine, 0, len(rs))
	for _, rv := range rs {
		l := reviewLine{Review: rv, Agent: ppl.UserName(&rv.AgentID), Reviewer: ppl.UserName(&rv.ReviewerID),
			Score: reviewScore(rv.Score)}
		var err error
		if l.Ticket, err = wb.ticketBrief(ctx, rv.TicketID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// ticketBrief names a ticket for a list; a ticket gone since is named by id.
func (wb *reviewPages) ticketBrief(ctx context.Context, id int64) (ticketBrief, error) {
	t, err := wb.Tickets.Get(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return ticketBrief{ID: id, Subject: "(ticket " + strconv.FormatInt(id, 10) + " is gone)"}, nil
	}
	if err != nil {
		return ticketBrief{}, err
	}
	return ticketBrief{ID: t.ID, Number: t.Number, Subject: t.Subject}, nil
}

// reviewScore writes a 0-100 score the way the pages show it.
func reviewScore(s *float64) string {
	if s == nil {
		return "no score"
	}
	return strconv.FormatFloat(*s, 'f', 1, 64)
}

// postedID reads an optional id field of a form; blank is 0.
func postedID(r *http.Request, field string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, apperr.Invalid(field, "%q is not an id", v)
	}
	return id, nil
}

// postedIDs reads a multi-valued id field of a form.
func postedIDs(r *http.Request, field string) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm[field] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid(field, "%q is not an id", v)
		}
		out = append(out, id)
	}
	return out, nil
}
