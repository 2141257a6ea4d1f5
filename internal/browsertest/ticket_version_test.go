package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// choose sets a select of the properties form as a person would, firing
// the change event the page listens to.
func choose(id, value string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.value = %q;
		s.dispatchEvent(new Event("change", {bubbles: true})); })()`, id, value), nil)
}

// textHas is a JavaScript test that element id shows text.
func textHas(id, text string) string {
	return fmt.Sprintf(`(document.getElementById(%q) || {textContent: ""}).textContent.includes(%q)`, id, text)
}

// selected is a JavaScript test that select id has value chosen.
func selected(id, value string) string {
	return fmt.Sprintf(`(document.getElementById(%q) || {}).value === %q`, id, value)
}

func (e *env) ticketNow(id int64) *ticket.Ticket {
	e.t.Helper()
	tk, err := ticket.NewService(e.d).Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

// TestPropertyChangeIsLiveAndAStaleSaveConflicts: Ana and Bo have the same
// ticket open. Bo starts editing its priority; Ana sets it pending. Bo sees
// the new status without reloading, with a notice beside his form; his
// save changes nothing and shows Ana's change, with his edit kept and her
// status standing; applying his on top saves both.
func TestPropertyChangeIsLiveAndAStaleSaveConflicts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.agent("ana@example.com", "Ana Lima")
		e.agent("bo@example.com", "Bo Berg")
		tk := e.newTicket("Invoice is wrong", "I was charged twice.")
		page := fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)
		e.requirePage("ana@example.com", fmt.Sprintf("/tickets/%d", tk.ID), "ticket")

		ana, bo := e.tab(), e.tab()
		e.signIn(ana, "ana@example.com")
		e.signIn(bo, "bo@example.com")
		e.run(ana, "Ana opens the ticket", chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(page), chromedp.WaitVisible(`#properties-form`, chromedp.ByID))
		e.run(bo, "Bo opens the ticket", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(page), chromedp.WaitVisible(`#properties-form`, chromedp.ByID),
			chromedp.Evaluate(`window.centerdeskTestMark = 1`, nil))
		e.run(bo, "Bo starts editing the priority", choose("prop-priority", "high"))

		e.run(ana, "Ana sets the ticket pending",
			choose("prop-status", "pending"),
			chromedp.Click(`#properties-form button.primary`, chromedp.ByQuery),
			waitFor(`document.querySelector("#properties .flash") !== null`))
		if got := e.ticketNow(tk.ID); got.Status != "pending" || got.Version != 2 {
			t.Fatalf("after Ana's save: status %s, version %d", got.Status, got.Version)
		}

		e.run(bo, "Bo sees the new status live, and a notice beside his edit",
			waitFor(textHas("ticket-meta", "pending")),
			waitFor(`!document.getElementById("properties-notice").hidden`),
			waitFor(textHas("properties-notice", "Ana Lima changed")),
			waitFor(textHas("history", "Changed status from new to pending")),
			waitFor(`window.centerdeskTestMark === 1`+` && `+selected("prop-priority", "high")))
		e.shot(bo, "live-notice-390")

		e.run(bo, "Bo saves his stale form",
			chromedp.Click(`#properties-form button.primary:not(#apply-mine)`, chromedp.ByQuery),
			chromedp.WaitVisible(`#properties-conflict`, chromedp.ByID),
			waitFor(textHas("properties-conflict", "Ana Lima")),
			waitFor(textHas("properties-conflict", "Changed status from new to pending")),
			// His edit is kept; her status, which he had not touched, stands.
			waitFor(selected("prop-priority", "high")+" && "+selected("prop-status", "pending")))
		if got := e.ticketNow(tk.ID); got.Priority != "normal" || got.Version != 2 {
			t.Fatalf("a stale save changed the ticket: priority %s, version %d", got.Priority, got.Version)
		}
		e.shot(bo, "conflict-390")
		e.run(bo, "desktop size", chromedp.EmulateViewport(1366, 768))
		e.shot(bo, "conflict-1366")

		e.run(bo, "Bo applies his on top",
			chromedp.Click(`#apply-mine`, chromedp.ByID),
			waitFor(`document.querySelector("#properties .flash") !== null && !document.getElementById("properties-conflict")`))
		if got := e.ticketNow(tk.ID); got.Priority != "high" || got.Status != "pending" || got.Version != 3 {
			t.Fatalf("after applying on top: priority %s, status %s, version %d", got.Priority, got.Status, got.Version)
		}
		e.run(ana, "Ana sees Bo's priority live", waitFor(textHas("ticket-meta", "high")),
			waitFor(selected("prop-priority", "high")))
		e.shot(ana, "live-1366")
		e.checkProblems()
	})
}

// TestMacroPicker: a macro inserts into an empty reply box, says what it
// will do before it is inserted and before the reply is sent, and is
// found by typing its name.
func TestMacroPicker(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ana := e.agent("ana@example.com", "Ana Lima")
		tk := e.newTicket("Where is my refund?", "It has been two weeks.")
		macros := macro.NewService(d, ticket.NewService(d), customer.NewService(d))
		for _, m := range []macro.NewMacro{
			{Name: "Password reset", Body: "Use the reset link on the sign-in page."},
			{Name: "Refund approved", Body: "Your refund is on its way.",
				Actions: macro.Actions{Status: "solved", AddTags: []string{"refund"}}},
			{Name: "Shipping delay", Body: "Your parcel is delayed."},
		} {
			if _, err := macros.Create(context.Background(), macro.ViewerOf(ana), m); err != nil {
				t.Fatal(err)
			}
		}
		page := fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)
		e.requirePage("ana@example.com", fmt.Sprintf("/tickets/%d", tk.ID), "ticket")

		tab := e.tab()
		e.signIn(tab, "ana@example.com")
		e.run(tab, "open the ticket", chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(page), chromedp.WaitVisible(`#macro-filter`, chromedp.ByID))
		e.run(tab, "the picker says what a macro does before it is inserted",
			waitFor(`[...document.querySelectorAll("#macro-list li")].some(li => li.textContent.includes("Refund approved") && li.textContent.includes("set status to solved"))`))
		e.run(tab, "filter by name",
			chromedp.SendKeys(`#macro-filter`, "refu", chromedp.ByID),
			waitFor(`[...document.querySelectorAll("#macro-list li")].filter(li => !li.hidden).map(li => li.textContent.trim()).join("|").startsWith("Refund approved")`),
			waitFor(`[...document.querySelectorAll("#macro-list li")].filter(li => !li.hidden).length === 1`))
		e.shot(tab, "macro-filter-1366")
		e.run(tab, "insert it into the empty reply box with Enter",
			waitFor(`document.getElementById("composer-body").value === ""`),
			chromedp.SendKeys(`#macro-filter`, "\r", chromedp.ByID),
			waitFor(`document.getElementById("composer-body").value.includes("Your refund is on its way.")`),
			waitFor(textHas("composer", "When sent, also: set status to solved; add tags refund")))
		e.shot(tab, "macro-inserted-1366")

		e.run(tab, "a second macro goes below what is written",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Evaluate(`(() => { const f = document.getElementById("macro-filter"); f.value = "";
				f.dispatchEvent(new Event("input", {bubbles: true})); })()`, nil),
			chromedp.SendKeys(`#macro-filter`, "ship", chromedp.ByID),
			waitFor(`[...document.querySelectorAll("#macro-list li")].filter(li => !li.hidden).length === 1`),
			chromedp.Click(`#macro-list li:not([hidden]) button`, chromedp.ByQuery),
			waitFor(`document.getElementById("composer-body").value.includes("Your refund is on its way.") && `+
				`document.getElementById("composer-body").value.includes("Your parcel is delayed.")`))
		e.run(tab, "no macro matches",
			chromedp.SendKeys(`#macro-filter`, "zzz", chromedp.ByID),
			waitFor(`!document.getElementById("macro-none").hidden`))
		e.shot(tab, "macro-picker-390")
		var wide bool
		e.run(tab, "no sideways scroll", chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &wide))
		if wide {
			t.Error("the ticket page scrolls sideways at 390 px")
		}
		e.checkProblems()
	})
}
