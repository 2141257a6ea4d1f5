package browsertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// newTicket opens a ticket as if a customer had written in.
func (e *env) newTicket(subject, body string) *ticket.Ticket {
	e.t.Helper()
	tk, err := ticket.NewService(e.d).Create(context.Background(), ticket.NewTicket{Subject: subject,
		Requester: ticket.Requester{Email: "cu@example.com", Name: "Cleo Customer"}, Body: body, Channel: "email"})
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

// assign gives a ticket to an agent, as the system would.
func (e *env) assign(ticketID, userID int64) {
	e.t.Helper()
	if _, err := ticket.NewService(e.d).Update(context.Background(), ticketID, ticket.Patch{AssigneeID: ticket.SetID(&userID)}); err != nil {
		e.t.Fatal(err)
	}
}

// apiReply posts a public reply through the API, as the user whose token
// it is.
func (e *env) apiReply(token string, ticketID int64, body string) {
	e.t.Helper()
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/tickets/%d/messages", e.url, ticketID),
		strings.NewReader(fmt.Sprintf(`{"body": %q, "kind": "reply"}`, body)))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		e.t.Fatalf("API reply: %d %s", resp.StatusCode, b)
	}
}

func (e *env) token(userID int64) string {
	e.t.Helper()
	_, secret, err := e.users.CreateToken(context.Background(), userID, "browser test")
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// conversationHas is a JavaScript test that the conversation shows text.
func conversationHas(text string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll("#conversation article.message")).some(a => a.textContent.includes(%q))`, text)
}

// TestAgentRepliesAndSeesAnotherReplyLive: an agent signs in, opens the
// inbox (where a ticket assigned to her meanwhile appears), opens a ticket,
// replies, and sees a colleague's reply (sent through the API) appear
// without reloading the page.
func TestAgentRepliesAndSeesAnotherReplyLive(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anaUser := e.agent("ana@example.com", "Ana Lima")
		bo := e.agent("bo@example.com", "Bo Berg")
		tk := e.newTicket("Printer on fire", "It is still burning.")
		e.assign(tk.ID, anaUser.ID) // so it is in her first view, "My open tickets"
		e.requirePage("ana@example.com", "/inbox", "inbox")
		e.requirePage("ana@example.com", fmt.Sprintf("/tickets/%d", tk.ID), "ticket")

		ana := e.tab()
		e.signIn(ana, "ana@example.com")
		row := fmt.Sprintf("#ticket-row-%d", tk.ID)
		e.run(ana, "open the inbox",
			chromedp.Navigate(e.url+"/inbox"),
			chromedp.WaitVisible(`#inbox`, chromedp.ByID),
			chromedp.WaitVisible(row, chromedp.ByQuery),
		)
		// A ticket assigned to her meanwhile shows up in the open inbox.
		second := e.newTicket("Coffee machine leaks", "Puddles everywhere.")
		e.assign(second.ID, anaUser.ID)
		e.run(ana, "see the new ticket arrive in the inbox",
			chromedp.WaitVisible(fmt.Sprintf("#ticket-row-%d", second.ID), chromedp.ByQuery))
		e.shot(ana, "inbox")
		e.run(ana, "open the ticket",
			chromedp.Click(fmt.Sprintf(`%s a[href="/tickets/%d"]`, row, tk.ID), chromedp.ByQuery),
			chromedp.WaitVisible(`#conversation`, chromedp.ByID),
			waitFor(conversationHas("It is still burning.")),
		)
		e.run(ana, "reply",
			chromedp.SendKeys(`#composer-body`, "We are sending a fire engine.", chromedp.ByID),
			chromedp.Click(`#composer button[type=submit]`, chromedp.ByQuery),
			waitFor(conversationHas("We are sending a fire engine.")),
			chromedp.WaitVisible(`#conversation`, chromedp.ByID),
		)
		// A mark on the window survives only if the page is not reloaded.
		e.run(ana, "mark the page", chromedp.Evaluate(`window.centerdeskTestMark = 1`, nil))
		e.apiReply(e.token(bo.ID), tk.ID, "Fire engine has arrived.")
		e.run(ana, "see Bo's reply arrive live",
			waitFor(conversationHas("Fire engine has arrived.")+` && window.centerdeskTestMark === 1`),
		)
		var last string
		e.run(ana, "read the conversation cursor",
			chromedp.AttributeValue(`#conversation`, "data-last-message", &last, nil, chromedp.ByID))
		if last == "" || last == "0" {
			t.Fatalf("data-last-message %q was not moved on", last)
		}
		e.shot(ana, "ticket-live-reply")
		e.checkProblems()
	})
}

// TestCollisionNotice: two agents on one ticket each see that the other is
// there, and one sees when the other starts replying.
func TestCollisionNotice(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.agent("ana@example.com", "Ana Lima")
		e.agent("bo@example.com", "Bo Berg")
		tk := e.newTicket("Locked out", "I cannot sign in.")
		page := fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)
		e.requirePage("ana@example.com", fmt.Sprintf("/tickets/%d", tk.ID), "ticket")

		ana, bo := e.tab(), e.tab()
		e.signIn(ana, "ana@example.com")
		e.signIn(bo, "bo@example.com")
		e.run(ana, "Ana opens the ticket", chromedp.Navigate(page), chromedp.WaitVisible(`#conversation`, chromedp.ByID))
		e.run(bo, "Bo opens the ticket", chromedp.Navigate(page), chromedp.WaitVisible(`#conversation`, chromedp.ByID))

		presenceHas := func(s string) chromedp.Action {
			return waitFor(fmt.Sprintf(`(document.getElementById("presence") || {textContent: ""}).textContent.includes(%q)`, s))
		}
		e.run(ana, "Ana sees Bo", presenceHas("Bo Berg is viewing"))
		e.run(bo, "Bo sees Ana", presenceHas("Ana Lima is viewing"))
		var own string
		e.run(bo, "read Bo's notice", chromedp.Text(`#presence`, &own, chromedp.ByID))
		if strings.Contains(own, "Bo Berg") {
			t.Fatalf("Bo is warned about himself: %q", own)
		}
		e.run(bo, "Bo starts a reply", chromedp.SendKeys(`#composer-body`, "Try resetting", chromedp.ByID))
		e.run(ana, "Ana sees Bo replying", presenceHas("Bo Berg is replying"))
		e.shot(ana, "collision")
		e.checkProblems()
	})
}

// TestPhoneInbox: on a 375x812 screen the inbox table shows and the main
// navigation can be reached, and nothing makes the page wider than the
// screen (a strip of view tabs may scroll inside itself).
func TestPhoneInbox(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anaUser := e.agent("ana@example.com", "Ana Lima")
		tk := e.newTicket("Small screen", "Does it fit?")
		e.assign(tk.ID, anaUser.ID)
		e.requirePage("ana@example.com", "/inbox", "inbox")

		ana := e.tab()
		e.run(ana, "phone viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2)))
		e.signIn(ana, "ana@example.com")
		e.run(ana, "open the inbox",
			chromedp.Navigate(e.url+"/inbox"),
			chromedp.WaitVisible(`#inbox`, chromedp.ByID),
			chromedp.WaitVisible(fmt.Sprintf(`#ticket-row-%d a[href="/tickets/%d"]`, tk.ID, tk.ID), chromedp.ByQuery),
		)
		var overflow bool
		e.run(ana, "measure", chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
		if overflow {
			var wide string
			e.run(ana, "find what is too wide", chromedp.Evaluate(`Array.from(document.querySelectorAll("body *")).
				filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.getClientRects().length > 0).
				slice(0, 8).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") +
				" (right edge " + Math.round(el.getBoundingClientRect().right) + ")").join(", ")`, &wide))
			e.shot(ana, "phone-overflow")
			t.Errorf("the inbox scrolls sideways on a 375 px screen; too wide: %s", wide)
		}
		e.shot(ana, "phone-inbox")
		// The navigation is either shown or one tap on the menu button away.
		var navShown bool
		e.run(ana, "look for the navigation", chromedp.Evaluate(
			`(() => { const a = document.querySelector('nav a[href="/inbox"]'); return !!a && a.offsetParent !== null && a.getBoundingClientRect().width > 0 })()`, &navShown))
		if !navShown {
			e.run(ana, "open the menu",
				chromedp.Click(`#nav-toggle`, chromedp.ByID),
				chromedp.WaitVisible(`nav a[href="/inbox"]`, chromedp.ByQuery),
			)
		}
		e.run(ana, "reach the notifications", chromedp.WaitVisible(`#notifications`, chromedp.ByID))
		e.shot(ana, "phone-nav")
		e.checkProblems()
	})
}
