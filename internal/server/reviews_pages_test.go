package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// reviewDesk is a desk with a lead, an agent whose solved ticket is to be
// reviewed, a reviewer and a bystander, each signed in in a browser, and a
// scorecard: Empathetic 1-5 weight 2, Responsive 1-5, Trustful pass/fail
// critical (the example of internal/quality/doc.go).
type reviewDesk struct {
	*harness
	lead, agent, reviewer, other *user.User
	leadB, agentB, reviewerB     *http.Client
	otherB                       *http.Client
	q                            *quality.Service
	sc                           *quality.Scorecard
	ticketID                     int64
	messageIDs                   []int64
}

func newReviewDesk(t *testing.T, d *db.DB) *reviewDesk {
	t.Helper()
	h := newHarness(t, d)
	k := &reviewDesk{harness: h, q: quality.NewService(d)}
	k.lead = h.createUser("lead@example.com", "admin")
	k.agent = h.createUser("agent@example.com", "agent")
	k.reviewer = h.createUser("reviewer@example.com", "agent")
	k.other = h.createUser("other@example.com", "agent")
	for _, s := range []struct {
		c     **http.Client
		email string
	}{{&k.leadB, "lead@example.com"}, {&k.agentB, "agent@example.com"},
		{&k.reviewerB, "reviewer@example.com"}, {&k.otherB, "other@example.com"}} {
		*s.c = h.browser()
		h.signIn(*s.c, s.email)
	}
	k.values()
	k.solvedTicket()
	return k
}

// values writes the philosophy and builds the scorecard through its page.
func (k *reviewDesk) values() {
	k.t.Helper()
	ctx := testutil.As(k.lead.ID)
	p, err := k.q.PutPhilosophy(ctx, k.lead, quality.PhilosophyInput{Vision: "Customers feel heard.",
		Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"},
			{Name: "Responsive", Code: "R", Colour: "#00aa00"}, {Name: "Trustful", Code: "T", Colour: "#0000aa"}}})
	if err != nil {
		k.t.Fatal(err)
	}
	form := url.Values{"name": {"Weekly"}}
	for i, v := range p.Values {
		id := itoa(v.ID)
		form.Add("value_ids", id)
		form.Set("name-"+id, v.Name)
		form.Set("include-"+id, "1")
		form.Set("scale-"+id, "range")
		form.Set("min-"+id, "1")
		form.Set("max-"+id, "5")
		form.Set("weight-"+id, "1")
		switch i {
		case 0:
			form.Set("weight-"+id, "2")
		case 2:
			form.Set("scale-"+id, "pass_fail")
			form.Set("critical-"+id, "1")
		}
	}
	if resp := k.postForm(k.leadB, "/reviews/scorecards", form); resp.StatusCode != http.StatusSeeOther {
		k.t.Fatalf("make scorecard: %d\n%s", resp.StatusCode, body(k.t, resp))
	}
	scs, err := k.q.Scorecards(context.Background())
	if err != nil || len(scs) != 1 || len(scs[0].Categories) != 3 {
		k.t.Fatalf("scorecards: %v %+v", err, scs)
	}
	k.sc = scs[0]
	if c := k.sc.Categories[2]; c.Scale != quality.ScalePassFail || !c.Critical || k.sc.Categories[0].Weight != 2 {
		k.t.Fatalf("scorecard built wrong: %+v", k.sc.Categories)
	}
}

// solvedTicket gives the agent a ticket with a short conversation, solved now.
func (k *reviewDesk) solvedTicket() {
	k.t.Helper()
	ctx := testutil.As(k.lead.ID)
	tickets := ticket.NewService(k.db)
	tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Refund for a broken kettle", Body: "It broke on day two.",
		Channel: "api", Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		k.t.Fatal(err)
	}
	if _, err := tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&k.agent.ID)}); err != nil {
		k.t.Fatal(err)
	}
	if _, err := tickets.AddMessage(ctx, tk.ID, "Sorry to hear it: a refund is on its way.", "reply"); err != nil {
		k.t.Fatal(err)
	}
	solved := "solved"
	if _, err := tickets.Update(ctx, tk.ID, ticket.Patch{Status: &solved}); err != nil {
		k.t.Fatal(err)
	}
	msgs, err := tickets.Messages(ctx, tk.ID)
	if err != nil {
		k.t.Fatal(err)
	}
	k.ticketID = tk.ID
	for _, m := range msgs {
		k.messageIDs = append(k.messageIDs, m.ID)
	}
}

func (k *reviewDesk) pageAs(c *http.Client, path string, want int) string {
	k.t.Helper()
	resp := k.get(c, path)
	b := body(k.t, resp)
	if resp.StatusCode != want {
		k.t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, want, b)
	}
	return b
}

// redirected posts a form and returns where it was sent, failing unless
// the answer is a redirect.
func (k *reviewDesk) redirected(c *http.Client, path string, form url.Values) string {
	k.t.Helper()
	resp := k.postForm(c, path, form)
	if resp.StatusCode != http.StatusSeeOther {
		k.t.Fatalf("POST %s: %d\n%s", path, resp.StatusCode, body(k.t, resp))
	}
	return resp.Header.Get("Location")
}

// openPeriod opens this week's period through the page and draws the
// queue for the reviewer.
func (k *reviewDesk) openPeriod() {
	k.t.Helper()
	start := quality.WeekStart(time.Now())
	form := url.Values{"from": {start.Format("2006-01-02")}, "to": {start.AddDate(0, 0, 6).Format("2006-01-02")},
		"per_agent": {"3"}, "scorecard_id": {itoa(k.sc.ID)}, "reviewer_ids": {itoa(k.reviewer.ID)}, "draw": {"1"}}
	if loc := k.redirected(k.leadB, "/reviews/periods", form); !strings.HasPrefix(loc, "/reviews/periods/") {
		k.t.Fatalf("period made, sent to %q", loc)
	}
}

// rate is the scoring form with the given marks (by category position).
func (k *reviewDesk) rate(action string, marks ...string) url.Values {
	form := url.Values{"action": {action}, "comment": {"Warm and quick."}}
	for i, c := range k.sc.Categories {
		if i < len(marks) {
			form.Set("rating-"+itoa(c.ID), marks[i])
		}
	}
	return form
}

func TestReviewPagesQueueScoreAndDispute(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newReviewDesk(t, d)
		k.openPeriod()

		home := k.pageAs(k.reviewerB, "/reviews", http.StatusOK)
		if !strings.Contains(home, "Refund for a broken kettle") || !strings.Contains(home, "Name of agent@example.com") {
			t.Fatalf("the reviewer's queue lacks the ticket or its agent:\n%s", home)
		}
		q, err := k.q.Queue(context.Background(), k.reviewer, 0)
		if err != nil || len(q) != 1 {
			t.Fatalf("queue: %v %+v", err, q)
		}
		if !strings.Contains(home, "Picked at random") && !strings.Contains(home, "Needs a look") {
			t.Fatal("the queue does not say why the ticket was picked")
		}

		// The ticket page offers the review to the reviewer, not to others.
		ticketPath := "/tickets/" + itoa(k.ticketID)
		if !strings.Contains(k.pageAs(k.reviewerB, ticketPath, http.StatusOK), "Review this ticket") ||
			strings.Contains(k.pageAs(k.otherB, ticketPath, http.StatusOK), "Review this ticket") {
			t.Fatal("the ticket page offers the review to the wrong people")
		}
		loc := k.redirected(k.reviewerB, "/reviews", url.Values{"ticket_id": {itoa(k.ticketID)}})
		form := k.pageAs(k.reviewerB, loc, http.StatusOK)
		for _, want := range []string{"Empathetic", "Trustful", "Not applicable", "It broke on day two.",
			`name="messages-` + itoa(k.sc.Categories[0].ID) + `" value="` + itoa(k.messageIDs[1]) + `"`} {
			if !strings.Contains(form, want) {
				t.Fatalf("the scoring form lacks %q:\n%s", want, form)
			}
		}
		// Starting again, from the queue, reopens the same draft.
		if again := k.redirected(k.reviewerB, "/reviews", url.Values{"assignment_id": {itoa(q[0].ID)}}); again != loc {
			t.Fatalf("second start went to %q, not %q", again, loc)
		}

		// A submission without every mark is refused, names the category,
		// and keeps the draft.
		resp := k.postForm(k.reviewerB, loc, k.rate("submit", "4", "5"))
		if b := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, "Trustful") {
			t.Fatalf("incomplete submit: %d\n%s", resp.StatusCode, b)
		}

		form2 := k.rate("submit", "4", "5", "1")
		form2.Set("comment-"+itoa(k.sc.Categories[0].ID), "Kind words")
		form2.Add("messages-"+itoa(k.sc.Categories[0].ID), itoa(k.messageIDs[1]))
		if got := k.redirected(k.reviewerB, loc, form2); got != loc {
			t.Fatalf("submitted, sent to %q", got)
		}
		id := strings.TrimPrefix(loc, "/reviews/")
		rv := k.reviewByID(id)
		// (75*2 + 100 + 100) / 4, as internal/quality/doc.go works out.
		if rv.Status != quality.StatusSubmitted || rv.Score == nil || *rv.Score != 87.5 {
			t.Fatalf("review after submit: %+v", rv)
		}
		if len(rv.Ratings[0].MessageIDs) != 1 || rv.Ratings[0].MessageIDs[0] != k.messageIDs[1] {
			t.Fatalf("the comment does not point at the message: %+v", rv.Ratings[0])
		}

		// The reviewed agent sees it, with the link to the message.
		mine := k.pageAs(k.agentB, "/reviews", http.StatusOK)
		if !strings.Contains(mine, "87.5") {
			t.Fatalf("the agent's reviews lack the score:\n%s", mine)
		}
		detail := k.pageAs(k.agentB, loc, http.StatusOK)
		for _, want := range []string{"87.5", "Kind words", "#message-" + itoa(k.messageIDs[1]), `id="review-badges"`, "Dispute this review"} {
			if !strings.Contains(detail, want) {
				t.Fatalf("the review page lacks %q:\n%s", want, detail)
			}
		}

		// Someone else's review is not found, to read or to dispute.
		k.pageAs(k.otherB, loc, http.StatusNotFound)
		if resp := k.postForm(k.otherB, loc+"/dispute", url.Values{"reason": {"Not mine"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a bystander's dispute: %d", resp.StatusCode)
		}
		// The reviewer may not dispute it either.
		if resp := k.postForm(k.reviewerB, loc+"/dispute", url.Values{"reason": {"Hm"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the reviewer's dispute: %d", resp.StatusCode)
		}
		// A dispute needs a reason, and a refused one changes nothing.
		resp = k.postForm(k.agentB, loc+"/dispute", url.Values{"reason": {"  "}})
		if b := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, "reason") {
			t.Fatalf("empty dispute: %d\n%s", resp.StatusCode, b)
		}
		if n := count(t, d, "review_disputes"); n != 0 {
			t.Fatalf("a refused dispute left %d rows", n)
		}
		k.redirected(k.agentB, loc+"/acknowledge", nil)
		k.redirected(k.agentB, loc+"/dispute", url.Values{"reason": {"The customer thanked me twice."}})

		// The lead sees it open and partly accepts: Empathetic becomes 5.
		disputes := k.pageAs(k.leadB, "/reviews/disputes", http.StatusOK)
		if !strings.Contains(disputes, "The customer thanked me twice.") {
			t.Fatalf("the disputes page lacks the dispute:\n%s", disputes)
		}
		fix := k.rate("", "5", "5", "1")
		fix.Set("outcome", "partly_accepted")
		fix.Set("note", "Fair point.")
		k.redirected(k.leadB, loc+"/resolve", fix)
		if rv := k.reviewByID(id); *rv.Score != 100 || rv.Ratings[0].Comment != "Kind words" {
			t.Fatalf("after partial acceptance: %+v", rv)
		}
		if after := k.pageAs(k.agentB, loc, http.StatusOK); !strings.Contains(after, "Partly accepted") || !strings.Contains(after, "Fair point.") {
			t.Fatalf("the agent does not see the answer:\n%s", after)
		}

		// The period page shows the queue and the agent's score.
		period := k.pageAs(k.leadB, "/reviews/periods/"+itoa(q[0].PeriodID), http.StatusOK)
		if !strings.Contains(period, "100.0") || !strings.Contains(period, "Name of reviewer@example.com") {
			t.Fatalf("the period page lacks the score or the reviewer:\n%s", period)
		}
		k.pageAs(k.agentB, "/reviews/periods/"+itoa(q[0].PeriodID), http.StatusForbidden)
		if resp := k.postForm(k.otherB, "/reviews", url.Values{"ticket_id": {itoa(k.ticketID)}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent without the ticket in their queue started a review: %d", resp.StatusCode)
		}
	})
}

func (k *reviewDesk) reviewByID(id string) *quality.Review {
	k.t.Helper()
	var n int64
	for _, c := range id {
		n = n*10 + int64(c-'0')
	}
	rv, err := k.q.Review(context.Background(), k.lead, n)
	if err != nil {
		k.t.Fatal(err)
	}
	return rv
}

func TestReviewPagesRefuseCrossOriginForms(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newReviewDesk(t, d)
		k.openPeriod()
		q, _ := k.q.Queue(context.Background(), k.reviewer, 0)
		loc := k.redirected(k.reviewerB, "/reviews", url.Values{"assignment_id": {itoa(q[0].ID)}})
		for _, path := range []string{loc, "/reviews", "/reviews/periods"} {
			resp := k.postForm(k.reviewerB, path, k.rate("submit", "4", "5", "1"), "Sec-Fetch-Site", "cross-site")
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site POST %s: %d", path, resp.StatusCode)
			}
		}
		if rv := k.reviewByID(strings.TrimPrefix(loc, "/reviews/")); rv.Status != quality.StatusDraft || len(rv.Ratings) != 0 {
			t.Fatalf("a cross-site post changed the review: %+v", rv)
		}
	})
}

func TestReviewPagesCalibrationIsBlind(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newReviewDesk(t, d)
		loc := k.redirected(k.leadB, "/reviews/calibrations", url.Values{"ticket_id": {itoa(k.ticketID)},
			"scorecard_id": {itoa(k.sc.ID)}, "reviewer_ids": {itoa(k.reviewer.ID), itoa(k.other.ID)}})

		// The reviewer scores and submits.
		start := url.Values{"calibration_id": {strings.TrimPrefix(loc, "/reviews/calibrations/")}}
		mine := k.redirected(k.reviewerB, "/reviews", start)
		k.redirected(k.reviewerB, mine, k.rate("submit", "1", "5", "1"))

		// The other reviewer, and the lead, see neither the marks nor the
		// review while the session is open.
		for _, c := range []*http.Client{k.otherB, k.leadB} {
			page := k.pageAs(c, loc, http.StatusOK)
			if strings.Contains(page, `id="comparison"`) || strings.Contains(page, "1 on 1–5") {
				t.Fatalf("an open session shows marks:\n%s", page)
			}
			k.pageAs(c, mine, http.StatusNotFound)
		}
		// The reviewed agent never sees calibration reviews.
		k.pageAs(k.agentB, mine, http.StatusNotFound)

		theirs := k.redirected(k.otherB, "/reviews", start)
		k.redirected(k.otherB, theirs, k.rate("submit", "5", "5", "1"))

		// Everyone has scored, so the session closed: now they compare.
		page := k.pageAs(k.otherB, loc, http.StatusOK)
		for _, want := range []string{`id="comparison"`, "1 on 1–5", "5 on 1–5", `class="apart"`, "Name of reviewer@example.com"} {
			if !strings.Contains(page, want) {
				t.Fatalf("the closed session lacks %q:\n%s", want, page)
			}
		}
		k.pageAs(k.otherB, mine, http.StatusOK)
		agreement := k.pageAs(k.leadB, "/reviews/agreement", http.StatusOK)
		if !strings.Contains(agreement, "Name of other@example.com") {
			t.Fatalf("the agreement page lacks a reviewer:\n%s", agreement)
		}
		k.pageAs(k.otherB, "/reviews/agreement", http.StatusForbidden)
	})
}

func TestReviewPagesPeriodFormErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newReviewDesk(t, d)
		for _, c := range []struct{ from, to, perAgent, field string }{
			{"2026-11-23", "next week", "5", "ends_at"},
			{"2026-11-23", "2026-11-20", "5", "ends_at"},
			{"2026-11-23", "2026-11-29", "lots", "per_agent"},
		} {
			resp := k.postForm(k.leadB, "/reviews/periods", url.Values{"from": {c.from}, "to": {c.to}, "per_agent": {c.perAgent}})
			if b := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, c.field+":") {
				t.Fatalf("%+v: %d\n%s", c, resp.StatusCode, b)
			}
		}
		if n := count(t, d, "review_periods"); n != 0 {
			t.Fatalf("refused forms made %d periods", n)
		}
		k.pageAs(k.agentB, "/reviews/periods", http.StatusForbidden)
		if resp := k.postForm(k.agentB, "/reviews/scorecards", url.Values{"name": {"Mine"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent made a scorecard: %d", resp.StatusCode)
		}
		// A bad line of the scorecard builder is named, and makes nothing.
		v := itoa(*k.sc.Categories[0].ValueID)
		resp := k.postForm(k.leadB, "/reviews/scorecards", url.Values{"name": {"Heavy"}, "value_ids": {v},
			"include-" + v: {"1"}, "scale-" + v: {"range"}, "weight-" + v: {"heavy"}})
		if b := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, "weight-"+v+":") {
			t.Fatalf("bad weight: %d\n%s", resp.StatusCode, b)
		}
		if n := count(t, d, "scorecards"); n != 1 {
			t.Fatalf("a refused scorecard left %d scorecards", n)
		}
		home := k.pageAs(k.leadB, "/reviews/periods", http.StatusOK)
		if !strings.Contains(home, `value="`+quality.WeekStart(time.Now()).Format("2006-01-02")+`"`) {
			t.Fatalf("the period form is not prefilled with this week:\n%s", home)
		}
	})
}
