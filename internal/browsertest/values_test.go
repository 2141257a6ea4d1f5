package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// centerValue is one value of the CENTER philosophy as a lead types it.
type centerValue struct{ name, code, colour, meaning string }

var centerValues = []centerValue{
	{"Creative", "C", "#7a3db8", "We find the answer that fits this customer, not the nearest template."},
	{"Empowering", "EP", "#1f5fae", "We leave customers able to help themselves next time."},
	{"Nimble", "N", "#0f7b6c", "We move fast when it matters to the customer."},
	{"Trustful", "T", "#8a5a00", "We say what we will do, and do it."},
	{"Empathetic", "EM", "#b3261e", "We hear the worry behind the question."},
	{"Responsive", "R", "#3d5a80", "No customer waits without knowing why."},
}

// person creates a user with a role who signs in with password.
func (e *env) person(email, name string, role user.Role) *user.User {
	e.t.Helper()
	u, err := e.users.Create(context.Background(), user.NewUser{Email: email, Name: name, Role: string(role), Password: password})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// solve marks a ticket solved, as its agent would after answering.
func (e *env) solve(ticketID int64) {
	e.t.Helper()
	solved := "solved"
	if _, err := ticket.NewService(e.d).Update(context.Background(), ticketID, ticket.Patch{Status: &solved}); err != nil {
		e.t.Fatal(err)
	}
}

// TestValuesReviewAndBadge: a lead writes the CENTER values, builds a
// scorecard from them and draws this week's review queue; a reviewer scores
// an agent's solved ticket at the top of the scale and awards the
// Empathetic badge the review proposes; the award shows in the recognition
// feed and on the agent's page.
func TestValuesReviewAndBadge(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.person("lea@example.com", "Lea Lead", user.RoleLead)
		rui := e.agent("rui@example.com", "Rui Reviewer")
		ana := e.agent("ana@example.com", "Ana Lima")
		tk := e.newTicket("My kettle broke after a week", "It stopped heating and I have guests tonight.")
		e.assign(tk.ID, ana.ID)
		e.apiReply(e.token(ana.ID), tk.ID, "I am sorry about tonight: a new kettle is on its way by courier today.")
		e.solve(tk.ID)

		lead := e.tab()
		e.signIn(lead, "lea@example.com")
		e.definePhilosophy(lead)
		e.buildScorecardAndDraw(lead, rui.ID)
		e.checkPhoneWidth(lead, "/philosophy/edit", "/reviews/scorecards", "/reviews/periods", "/leaderboard/settings", "/coaching/new")

		reviewer := e.tab()
		e.signIn(reviewer, "rui@example.com")
		e.reviewAndAward(reviewer, tk)
		e.checkPhoneWidth(reviewer, fmt.Sprintf("/tickets/%d", tk.ID), fmt.Sprintf("/recognition/nominate?ticket=%d", tk.ID))

		e.run(reviewer, "see the award in the feed",
			chromedp.Navigate(e.url+"/recognition"),
			chromedp.WaitVisible(`#award-feed`, chromedp.ByID),
			waitFor(`Array.from(document.querySelectorAll("#award-feed .award")).some(a =>
				a.textContent.includes("Ana Lima") && a.textContent.includes("Empathetic") &&
				a.textContent.includes("heard that the guests mattered"))`),
		)
		e.shot(reviewer, "feed")
		e.run(reviewer, "see the ticket cited under its value on the philosophy page",
			chromedp.Navigate(e.url+"/philosophy"),
			waitFor(`Array.from(document.querySelectorAll("section.value-examples")).some(s =>
				s.textContent.includes("heard that the guests mattered") &&
				s.closest("article.value").querySelector("h3").textContent.includes("Empathetic"))`),
		)

		agentTab := e.tab()
		e.signIn(agentTab, "ana@example.com")
		e.run(agentTab, "see the badge on her own page",
			chromedp.Navigate(e.url+"/me"),
			chromedp.WaitVisible(`#badges-title`, chromedp.ByID),
			waitFor(`document.querySelector("table.badge-months") &&
				document.querySelector("table.badge-months").textContent.includes("Empathetic")`),
		)
		e.shot(agentTab, "agent-page")
		e.checkPhoneWidth(agentTab, "/me", "/recognition", "/philosophy", "/reviews", "/leaderboard", "/notifications")
		e.run(agentTab, "hear of the badge in her notifications",
			chromedp.Navigate(e.url+"/notifications"),
			waitFor(`document.querySelector("main") && document.querySelector("main").textContent.includes("You earned the Empathetic badge")`),
		)
		e.checkProblems()
	})
}

// definePhilosophy writes the vision and the six CENTER values through the
// editor, and checks the philosophy page shows them.
func (e *env) definePhilosophy(lead context.Context) {
	e.t.Helper()
	e.run(lead, "write the vision",
		chromedp.Navigate(e.url+"/philosophy/edit"),
		chromedp.WaitVisible(`#vision`, chromedp.ByID),
		chromedp.SetValue(`#vision`, "Every customer leaves knowing someone cared about their problem.", chromedp.ByID),
		chromedp.Submit(`#vision`, chromedp.ByID),
		waitFor(`location.pathname === "/philosophy/edit" && document.readyState === "complete" && document.querySelector("#value-name")`),
	)
	for _, v := range centerValues {
		e.run(lead, "add the value "+v.name,
			chromedp.Navigate(e.url+"/philosophy/edit"),
			chromedp.WaitVisible(`#value-name`, chromedp.ByID),
			chromedp.SendKeys(`#value-name`, v.name, chromedp.ByID),
			chromedp.SendKeys(`#value-code`, v.code, chromedp.ByID),
			chromedp.SetValue(`#value-colour`, v.colour, chromedp.ByID),
			chromedp.SendKeys(`#value-description`, v.meaning, chromedp.ByID),
			chromedp.SendKeys(`#value-meaning`, v.meaning, chromedp.ByID),
			chromedp.SendKeys(`#value-in-action`, "Seen in the replies we write every day.", chromedp.ByID),
			chromedp.SendKeys(`#value-misread`, "Not an excuse to skip the basics.", chromedp.ByID),
			chromedp.SendKeys(`#value-judged-by`, "In the weekly reviews of real tickets.", chromedp.ByID),
			chromedp.SendKeys(`#value-relationships`, "Customers come back because they trust us.", chromedp.ByID),
			chromedp.Submit(`#value-name`, chromedp.ByID),
			waitFor(fmt.Sprintf(`document.readyState === "complete" && !document.querySelector("#form-error") &&
				document.body.textContent.includes(%q)`, v.name)),
		)
	}
	var text string
	e.run(lead, "read the philosophy page",
		chromedp.Navigate(e.url+"/philosophy"),
		chromedp.WaitVisible(`main`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	for _, v := range centerValues {
		if !strings.Contains(text, v.name) || !strings.Contains(text, v.meaning) {
			e.t.Errorf("the philosophy page lacks the value %s", v.name)
		}
	}
	e.shot(lead, "philosophy")
}

// buildScorecardAndDraw makes a scorecard of every value and opens this
// week's period with one ticket per agent, the reviewer alone reviewing.
func (e *env) buildScorecardAndDraw(lead context.Context, reviewerID int64) {
	e.t.Helper()
	e.run(lead, "build the scorecard",
		chromedp.Navigate(e.url+"/reviews/scorecards"),
		chromedp.WaitVisible(`#scorecard-name`, chromedp.ByID),
		chromedp.SendKeys(`#scorecard-name`, "CENTER", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll('input[name^="include-"]').forEach(c => c.checked = true)`, nil),
		chromedp.Submit(`#scorecard-name`, chromedp.ByID),
		waitFor(`document.readyState === "complete" && !document.querySelector(".error") &&
			document.body.textContent.includes("weight")`),
	)
	e.run(lead, "open the period and draw the queue",
		chromedp.Navigate(e.url+"/reviews/periods"),
		chromedp.WaitVisible(`#period-per-agent`, chromedp.ByID),
		chromedp.SetValue(`#period-per-agent`, "1", chromedp.ByID),
		chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll('input[name="reviewer_ids"]').forEach(c => c.checked = (c.value === "%d"));
			document.querySelector('input[name="draw"]').checked = true`, reviewerID), nil),
		chromedp.Submit(`#period-per-agent`, chromedp.ByID),
		waitFor(`/^\/reviews\/periods\/\d+$/.test(location.pathname) && document.readyState === "complete"`),
	)
	e.shot(lead, "period")
}

// empatheticCitation is the citation box of the Empathetic badge's proposal.
const empatheticCitation = `//section[@id="review-badges"]//li[starts-with(@id, "proposal-")][contains(., "Empathetic")]//textarea`

// reviewAndAward scores the ticket from the reviewer's queue, every value
// at the top of its scale, submits, and awards the Empathetic badge the
// review proposes.
func (e *env) reviewAndAward(reviewer context.Context, tk *ticket.Ticket) {
	e.t.Helper()
	e.run(reviewer, "start the review from the queue",
		chromedp.Navigate(e.url+"/reviews"),
		waitFor(fmt.Sprintf(`document.body.textContent.includes("#%d")`, tk.Number)),
		chromedp.Click(`form[action="/reviews"] button[type=submit]`, chromedp.ByQuery),
		waitFor(`document.readyState === "complete" && document.querySelector("fieldset.category")`),
		waitFor(`document.querySelector(".review-messages") &&
			document.querySelector(".review-messages").textContent.includes("a new kettle is on its way")`),
	)
	e.run(reviewer, "score every value at the top",
		chromedp.Evaluate(`document.querySelectorAll("fieldset.category").forEach(f => {
			const marks = f.querySelectorAll('input[type=radio]:not([value="na"])');
			marks[marks.length - 1].checked = true;
		})`, nil),
		chromedp.SendKeys(`#review-comment`, "A worried customer, answered with care and speed.", chromedp.ByID),
	)
	e.shot(reviewer, "scoring")
	e.run(reviewer, "submit the review",
		chromedp.Click(`button[name="action"][value="submit"]`, chromedp.ByQuery),
		waitFor(`document.readyState === "complete" && document.querySelector("#review-badges")`),
	)
	e.run(reviewer, "award the proposed Empathetic badge",
		waitFor(`Array.from(document.querySelectorAll("#review-badges li[id^=proposal-]")).some(li => li.textContent.includes("Empathetic"))`),
		chromedp.SendKeys(empatheticCitation, "Ana heard that the guests mattered more than the kettle, and sent a new one the same day.", chromedp.BySearch),
		chromedp.Submit(empatheticCitation, chromedp.BySearch),
		waitFor(`document.readyState === "complete" && document.querySelector("#review-badges") &&
			document.querySelector("#review-badges").textContent.includes("heard that the guests mattered")`),
	)
	e.shot(reviewer, "review-with-badge")
}

// checkPhoneWidth loads each page on a 375 px wide screen and fails for any
// that scrolls sideways, naming what is too wide.
func (e *env) checkPhoneWidth(tab context.Context, paths ...string) {
	e.t.Helper()
	e.run(tab, "phone viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2)))
	for _, path := range paths {
		var wide string
		e.run(tab, "measure "+path,
			chromedp.Navigate(e.url+path),
			chromedp.WaitReady(`main`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth + 1 ? "" :
				Array.from(document.querySelectorAll("main *")).
				filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.getClientRects().length > 0).
				slice(0, 6).map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : "")).join(", ") || "?"`, &wide),
		)
		if wide != "" {
			e.shot(tab, "phone-overflow-"+path)
			e.t.Errorf("%s scrolls sideways on a 375 px screen; too wide: %s", path, wide)
		}
	}
	e.run(tab, "desktop viewport", chromedp.EmulateViewport(1280, 900))
}
