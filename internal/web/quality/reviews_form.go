package quality

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// The scoring form (GET /reviews/{id} of one's own draft): the ticket's
// conversation on one side, rendered by the ticket page's own partial, and
// on the other each category of the scorecard with its scale, "not
// applicable", a comment and the messages the comment is about.

// reviewForm is the scoring form's data.
type reviewForm struct {
	Page
	kit.FormProblem
	Review     *quality.Review
	Ticket     *ticket.Ticket
	Agent      string
	Scorecard  *quality.Scorecard
	Categories []categoryInput
	Comment    string
	Messages   []*conversation.Message
}

// categoryInput is one category of the form, filled with its rating.
type categoryInput struct {
	quality.Category
	Choices  []reviewChoice
	Wide     bool   // a scale too long for radio buttons: a number field
	Value    string // the number field's value
	NA       bool
	Comment  string
	Messages []reviewChoice // the ticket's messages, checked where the comment points
}

// reviewChoice is one option of a radio group or a list of checkboxes.
type reviewChoice struct {
	Value   string
	Label   string
	At      *time.Time // when the message was written, for a message's choice
	Checked bool
}

// wideScale is the longest scale shown as radio buttons.
const wideScale = 11

// startReview answers POST /reviews: begin (or reopen) a review from a
// queue item, a calibration session or, for leads, any ticket.
func (wb *reviewPages) startReview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("ticket_id", "cannot read the form")
	}
	in := quality.NewReview{}
	var err error
	for field, dst := range map[string]*int64{"assignment_id": &in.AssignmentID, "ticket_id": &in.TicketID,
		"calibration_id": &in.CalibrationID, "scorecard_id": &in.ScorecardID} {
		if *dst, err = postedID(r, field); err != nil {
			return err
		}
	}
	if id, err := wb.existingReview(r, me, &in); err != nil || id != 0 {
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/reviews/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	rv, err := wb.Quality.CreateReview(ctx, me, in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10), http.StatusSeeOther)
	return nil
}

// existingReview finds the review already begun for what in asks, so a
// second click reopens it; for a bare ticket it also finds the queue item
// the review should start from.
func (wb *reviewPages) existingReview(r *http.Request, me *user.User, in *quality.NewReview) (int64, error) {
	ctx := r.Context()
	switch {
	case in.CalibrationID != 0:
		c, err := wb.Quality.Calibration(ctx, me, in.CalibrationID)
		if err != nil {
			return 0, err
		}
		for _, rv := range c.Reviews {
			if rv.ReviewerID == me.ID {
				return rv.ID, nil
			}
		}
	case in.AssignmentID != 0:
		q, err := wb.Quality.Queue(ctx, me, 0)
		if err != nil {
			return 0, err
		}
		for _, a := range q {
			if a.ID == in.AssignmentID && a.ReviewID != nil {
				return *a.ReviewID, nil
			}
		}
	case in.TicketID != 0:
		if id, err := wb.Quality.DraftOf(ctx, me, in.TicketID); err != nil || id != 0 {
			return id, err
		}
		a, err := wb.Quality.AssignmentOf(ctx, me, in.TicketID)
		if err != nil {
			return 0, err
		}
		if a != 0 {
			in.AssignmentID, in.TicketID, in.ScorecardID = a, 0, 0
		}
	}
	return 0, nil
}

// reviewPage answers GET /reviews/{id}: the form for one's own draft, the
// review itself otherwise (a lead may look at another's draft, read only).
func (wb *reviewPages) reviewPage(w http.ResponseWriter, r *http.Request) error {
	rv, err := wb.reviewByPath(r)
	if err != nil {
		return err
	}
	if rv.Status == quality.StatusDraft && rv.ReviewerID == user.FromContext(r.Context()).ID {
		return wb.renderReviewForm(w, r, http.StatusOK, rv, rv.Comment, rv.Ratings, nil)
	}
	return wb.renderReviewDetail(w, r, http.StatusOK, rv, nil)
}

func (wb *reviewPages) reviewByPath(r *http.Request) (*quality.Review, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return wb.Quality.Review(r.Context(), user.FromContext(r.Context()), id)
}

// renderReviewForm shows the form with the ratings given (stored or just
// posted) and, after a refusal, its message.
func (wb *reviewPages) renderReviewForm(w http.ResponseWriter, r *http.Request, status int, rv *quality.Review,
	comment string, ratings []quality.Rating, problem error) error {
	ctx := r.Context()
	t, err := wb.Tickets.Get(ctx, rv.TicketID)
	if err != nil {
		return err
	}
	sc, err := wb.Quality.Scorecard(ctx, rv.ScorecardID)
	if err != nil {
		return err
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	msgs, err := wb.Conversations.Messages(ctx, t.ID, 0, ppl)
	if err != nil {
		return err
	}
	p := &reviewForm{Page: wb.BasePage(r, fmt.Sprintf("Review of #%d %s", t.Number, t.Subject)), Review: rv,
		Ticket: t, Agent: ppl.UserName(&rv.AgentID), Scorecard: sc, Comment: comment, Messages: msgs,
		Categories: categoryInputs(sc.Categories, ratings, msgs)}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, "reviews_form", p)
	return nil
}

// categoryInputs fills each category of the form from the ratings given.
func categoryInputs(cats []quality.Category, ratings []quality.Rating, msgs []*conversation.Message) []categoryInput {
	byCat := map[int64]quality.Rating{}
	for _, rt := range ratings {
		byCat[rt.CategoryID] = rt
	}
	out := make([]categoryInput, 0, len(cats))
	for _, c := range cats {
		rt := byCat[c.ID]
		in := categoryInput{Category: c, NA: rt.NotApplicable, Comment: rt.Comment,
			Wide: c.Max-c.Min+1 > wideScale}
		given := ""
		if rt.Rating != nil {
			given = strconv.Itoa(*rt.Rating)
			in.Value = given
		}
		if !in.Wide {
			in.Choices = scaleChoices(c, given)
		}
		pointed := map[int64]bool{}
		for _, id := range rt.MessageIDs {
			pointed[id] = true
		}
		for i, m := range msgs {
			in.Messages = append(in.Messages, reviewChoice{Value: strconv.FormatInt(m.ID, 10),
				Label: fmt.Sprintf("Message %d: %s", i+1, m.Author), At: &m.CreatedAt,
				Checked: pointed[m.ID]})
		}
		out = append(out, in)
	}
	return out
}

// scaleChoices lists a category's marks, pass/fail in words.
func scaleChoices(c quality.Category, given string) []reviewChoice {
	if c.Scale == quality.ScalePassFail {
		return []reviewChoice{{Value: "1", Label: "Pass", Checked: given == "1"}, {Value: "0", Label: "Fail", Checked: given == "0"}}
	}
	var out []reviewChoice
	for v := c.Min; v <= c.Max; v++ {
		s := strconv.Itoa(v)
		out = append(out, reviewChoice{Value: s, Label: s, Checked: given == s})
	}
	return out
}

// saveReview answers POST /reviews/{id}: save the draft, and submit it
// when asked. A refused submission keeps what was saved and says why.
func (wb *reviewPages) saveReview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	rv, err := wb.reviewByPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("comment", "cannot read the form")
	}
	sc, err := wb.Quality.Scorecard(ctx, rv.ScorecardID)
	if err != nil {
		return err
	}
	comment := r.PostFormValue("comment")
	ratings, err := ratingsFromForm(r, sc.Categories)
	if err != nil {
		return wb.renderReviewForm(w, r, 0, rv, comment, ratings, err)
	}
	if _, err := wb.Quality.UpdateReview(ctx, me, rv.ID, quality.ReviewPatch{Comment: &comment, Ratings: ratings}); err != nil {
		if rv.Status != quality.StatusDraft || rv.ReviewerID != me.ID {
			return err
		}
		return wb.renderReviewForm(w, r, 0, rv, comment, ratings, err)
	}
	if r.PostFormValue("action") != "submit" {
		wb.Flash(r, "Draft saved.")
		http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10), http.StatusSeeOther)
		return nil
	}
	done, err := wb.Quality.SubmitReview(ctx, me, rv.ID)
	if err != nil {
		return wb.renderReviewForm(w, r, 0, rv, comment, ratings, err)
	}
	wb.Flash(r, "Review submitted. Score: "+reviewScore(done.Score)+".")
	if done.CalibrationID != nil {
		http.Redirect(w, r, "/reviews/calibrations/"+strconv.FormatInt(*done.CalibrationID, 10), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10), http.StatusSeeOther)
	return nil
}

// ratingsFromForm reads each category's mark ("na" for not applicable),
// comment and pointed messages. What it could read comes back even with
// an error, so the form can show it again.
func ratingsFromForm(r *http.Request, cats []quality.Category) ([]quality.Rating, error) {
	var out []quality.Rating
	var problem error
	for _, c := range cats {
		key := strconv.FormatInt(c.ID, 10)
		rt := quality.Rating{CategoryID: c.ID, Comment: r.PostFormValue("comment-" + key), MessageIDs: []int64{}}
		switch v := strings.TrimSpace(r.PostFormValue("rating-" + key)); v {
		case "":
		case "na":
			rt.NotApplicable = true
		default:
			n, err := strconv.Atoi(v)
			if err != nil && problem == nil {
				problem = apperr.Invalid("rating-"+key, "%s: %q is not a whole number", c.Name, v)
			} else if err == nil {
				rt.Rating = &n
			}
		}
		ids, err := postedIDs(r, "messages-"+key)
		if err != nil && problem == nil {
			problem = err
		}
		rt.MessageIDs = append(rt.MessageIDs, ids...)
		out = append(out, rt)
	}
	return out, problem
}
