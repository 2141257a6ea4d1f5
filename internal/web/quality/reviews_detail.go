package quality

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// A submitted review (GET /reviews/{id} once it is no draft): its score,
// each category's rating and comment with links to the messages it is
// about, and the answers to it: the agent acknowledges or disputes, a lead
// resolves the dispute. Leads list the disputes at /reviews/disputes.

// reviewDetail is the submitted review's page. Other parts of the
// programme (badges) add their own fields and a section of the template
// (see the placeholder "review-badges"), so keep it a struct.
type reviewDetail struct {
	Page
	kit.FormProblem
	Review    *quality.Review
	Ticket    ticketBrief
	Agent     string
	Reviewer  string
	Scorecard *quality.Scorecard
	Score     string
	Failed    bool // a critical category failed, so the score is 0
	Ratings   []ratingView
	Dispute   *quality.Dispute
	Resolver  string

	CanAnswer  bool // the reviewed agent may acknowledge or dispute
	CanDispute bool
	CanResolve bool            // a lead, and the dispute is open
	Corrected  []categoryInput // the marks a partly accepted dispute sets
	Reason     string          // the dispute reason being corrected
	Note       string

	Badges *reviewBadges // the "review-badges" section (recognition_review.go)
}

// ratingView is one category's rating as the review shows it.
type ratingView struct {
	Name     string
	Critical bool
	Mark     string
	Failed   bool
	Comment  string
	Messages []messageLink
}

// messageLink points at one message of the reviewed ticket.
type messageLink struct {
	ID    int64
	Label string
	At    *time.Time // when it was written; nil for a message no longer on the ticket
}

func (wb *reviewPages) renderReviewDetail(w http.ResponseWriter, r *http.Request, status int, rv *quality.Review, problem error) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	sc, err := wb.Quality.Scorecard(ctx, rv.ScorecardID)
	if err != nil {
		return err
	}
	p := &reviewDetail{Review: rv, Agent: ppl.UserName(&rv.AgentID), Reviewer: ppl.UserName(&rv.ReviewerID),
		Scorecard: sc, Score: reviewScore(rv.Score), Failed: rv.Score != nil && *rv.Score == 0}
	if p.Ticket, err = wb.ticketBrief(ctx, rv.TicketID); err != nil {
		return err
	}
	p.Page = wb.BasePage(r, fmt.Sprintf("Review of #%d %s", p.Ticket.Number, p.Ticket.Subject))
	labels, err := wb.messageLabels(r, rv.TicketID)
	if err != nil {
		return err
	}
	p.Ratings = ratingViews(sc.Categories, rv.Ratings, labels)
	if p.Dispute, err = wb.Quality.ReviewDispute(ctx, me, rv.ID); err != nil {
		return err
	}
	if p.Dispute != nil {
		p.Resolver = ppl.UserName(p.Dispute.ResolvedBy)
	}
	p.CanAnswer = rv.MayAnswer(me)
	p.CanDispute = p.CanAnswer && p.Dispute == nil // one dispute per review
	p.CanResolve = p.Dispute != nil && p.Dispute.MayResolve(me)
	if p.CanResolve {
		p.Corrected = categoryInputs(sc.Categories, rv.Ratings, nil)
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
		p.Reason, p.Note = r.PostFormValue("reason"), r.PostFormValue("note")
	}
	if p.Badges, err = wb.reviewBadgesFor(r, rv); err != nil {
		return err
	}
	wb.Render(w, r, status, "reviews_detail", p)
	return nil
}

// messageLabels names each message of a ticket by its place in the thread.
func (wb *reviewPages) messageLabels(r *http.Request, ticketID int64) (map[int64]messageLink, error) {
	msgs, err := wb.Tickets.Messages(r.Context(), ticketID)
	if apperr.Is(err, apperr.KindNotFound) {
		return map[int64]messageLink{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make(map[int64]messageLink, len(msgs))
	for i, m := range msgs {
		out[m.ID] = messageLink{ID: m.ID, Label: fmt.Sprintf("Message %d", i+1), At: &m.CreatedAt}
	}
	return out, nil
}

func ratingViews(cats []quality.Category, ratings []quality.Rating, labels map[int64]messageLink) []ratingView {
	byCat := map[int64]quality.Rating{}
	for _, rt := range ratings {
		byCat[rt.CategoryID] = rt
	}
	out := make([]ratingView, 0, len(cats))
	for _, c := range cats {
		rt := byCat[c.ID]
		v := ratingView{Name: c.Name, Critical: c.Critical, Comment: rt.Comment, Mark: markText(c, rt)}
		if rt.Rating != nil && !rt.NotApplicable {
			v.Failed = c.Critical && quality.Normalize(c, *rt.Rating) < quality.CriticalThreshold
		}
		for _, id := range rt.MessageIDs {
			link, ok := labels[id]
			if !ok {
				link = messageLink{ID: id, Label: "Message " + strconv.FormatInt(id, 10)}
			}
			v.Messages = append(v.Messages, link)
		}
		out = append(out, v)
	}
	return out
}

// markText writes a rating in words: "4 of 1-5", "Pass", "Not applicable".
func markText(c quality.Category, rt quality.Rating) string {
	switch {
	case rt.NotApplicable:
		return "Not applicable"
	case rt.Rating == nil:
		return "Not rated"
	case c.Scale == quality.ScalePassFail && *rt.Rating == 1:
		return "Pass"
	case c.Scale == quality.ScalePassFail:
		return "Fail"
	}
	return fmt.Sprintf("%d on %d–%d", *rt.Rating, c.Min, c.Max)
}

// acknowledgeReview answers POST /reviews/{id}/acknowledge.
func (wb *reviewPages) acknowledgeReview(w http.ResponseWriter, r *http.Request) error {
	rv, err := wb.reviewByPath(r)
	if err != nil {
		return err
	}
	if _, err := wb.Quality.AcknowledgeReview(r.Context(), user.FromContext(r.Context()), rv.ID); err != nil {
		return err
	}
	wb.Flash(r, "Thank you: the review is acknowledged.")
	http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10), http.StatusSeeOther)
	return nil
}

// disputeReview answers POST /reviews/{id}/dispute.
func (wb *reviewPages) disputeReview(w http.ResponseWriter, r *http.Request) error {
	rv, err := wb.reviewByPath(r)
	if err != nil {
		return err
	}
	in := quality.NewDispute{Reason: r.PostFormValue("reason")}
	if _, err := wb.Quality.DisputeReview(r.Context(), user.FromContext(r.Context()), rv.ID, in); err != nil {
		return wb.renderReviewDetail(w, r, 0, rv, err)
	}
	wb.Flash(r, "Your dispute is with the leads.")
	http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10), http.StatusSeeOther)
	return nil
}

// resolveDispute answers POST /reviews/{id}/resolve: a lead accepts,
// partly accepts (with corrected marks) or rejects the review's dispute.
func (wb *reviewPages) resolveDispute(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	rv, err := wb.reviewByPath(r)
	if err != nil {
		return err
	}
	d, err := wb.Quality.ReviewDispute(ctx, me, rv.ID)
	if err != nil {
		return err
	}
	if d == nil {
		return apperr.NotFound("dispute")
	}
	in := quality.Resolution{Outcome: quality.DisputeStatus(r.PostFormValue("outcome")), Note: r.PostFormValue("note")}
	if in.Outcome == quality.DisputePartlyAccepted {
		if in.Ratings, err = correctedRatings(r, wb, rv); err != nil {
			return wb.renderReviewDetail(w, r, 0, rv, err)
		}
	}
	if _, err := wb.Quality.ResolveDispute(ctx, me, d.ID, in); err != nil {
		return wb.renderReviewDetail(w, r, 0, rv, err)
	}
	wb.Flash(r, "The dispute is resolved.")
	http.Redirect(w, r, "/reviews/disputes", http.StatusSeeOther)
	return nil
}

// correctedRatings reads the lead's corrected marks, keeping each
// category's comment and pointed messages as the reviewer wrote them.
func correctedRatings(r *http.Request, wb *reviewPages, rv *quality.Review) ([]quality.Rating, error) {
	sc, err := wb.Quality.Scorecard(r.Context(), rv.ScorecardID)
	if err != nil {
		return nil, err
	}
	if err := r.ParseForm(); err != nil {
		return nil, apperr.Invalid("ratings", "cannot read the form")
	}
	marks, err := ratingsFromForm(r, sc.Categories)
	if err != nil {
		return nil, err
	}
	before := map[int64]quality.Rating{}
	for _, rt := range rv.Ratings {
		before[rt.CategoryID] = rt
	}
	for i := range marks {
		old := before[marks[i].CategoryID]
		marks[i].Comment, marks[i].MessageIDs = old.Comment, old.MessageIDs
	}
	return marks, nil
}

// disputesPage is GET /reviews/disputes: the open disputes for leads to
// answer, and the latest answered ones; an agent sees their own.
type disputesPage struct {
	Page
	Lead     bool
	Open     []disputeLine
	Answered []disputeLine
}

type disputeLine struct {
	*quality.Dispute
	Agent  string
	Ticket ticketBrief
	Score  string
}

func (wb *reviewPages) disputesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	all, err := wb.Quality.Disputes(ctx, me, "")
	if err != nil {
		return err
	}
	p := &disputesPage{Page: wb.BasePage(r, "Disputes"), Lead: me.IsLead()}
	for _, d := range all {
		l := disputeLine{Dispute: d, Agent: ppl.UserName(&d.AgentID)}
		rv, err := wb.Quality.Review(ctx, me, d.ReviewID)
		if err != nil {
			return err
		}
		l.Score = reviewScore(rv.Score)
		if rv.Status == quality.StatusVoided {
			l.Score = "voided"
		}
		if l.Ticket, err = wb.ticketBrief(ctx, rv.TicketID); err != nil {
			return err
		}
		if d.Status == quality.DisputeOpen {
			p.Open = append(p.Open, l)
		} else if len(p.Answered) < 50 {
			p.Answered = append(p.Answered, l)
		}
	}
	wb.Render(w, r, http.StatusOK, "reviews_disputes", p)
	return nil
}
