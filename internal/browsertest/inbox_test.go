package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// busyDesk opens n tickets from different customers; every third has an
// agent's answer, and every sixth a customer writing back after it.
func (e *env) busyDesk(n int, replier string) {
	e.t.Helper()
	s := ticket.NewService(e.d)
	customers := []string{"Cleo Customer", "Marta Okafor", "Jonas Berg", "Priya Natarajan", "Tom Hughes"}
	subjects := []string{"Refund for a double charge", "Cannot sign in after the password reset",
		"Invoice address is wrong", "Export to CSV times out", "How do I add a second user?"}
	for i := range n {
		name := customers[i%len(customers)]
		tk, err := s.Create(context.Background(), ticket.NewTicket{Subject: fmt.Sprintf("%s (%d)", subjects[i%len(subjects)], i+1),
			Requester: ticket.Requester{Email: fmt.Sprintf("c%d@example.com", i%len(customers)), Name: name},
			Body:      "Hello, since this morning I see the same problem again and again, and our whole team is waiting on it.",
			Channel:   "email"})
		if err != nil {
			e.t.Fatal(err)
		}
		if i%3 == 0 {
			e.apiReply(replier, tk.ID, "Thanks for writing in: we are looking at it and will come back to you today.")
		}
		if i%6 == 0 {
			if _, err := s.AppendReceived(context.Background(), tk.ID, ticket.Received{CustomerID: tk.RequesterID,
				Body: "Any news? It still happens.", Channel: "email"}, true); err != nil {
				e.t.Fatal(err)
			}
		}
	}
}

// viewCount reads a view's count in the side list, -1 before it is shown.
func viewCount(id string) string {
	return fmt.Sprintf(`(() => { const c = document.querySelector('#views a[data-view-id=%q] .count');
		return c ? parseInt(c.textContent, 10) : -1 })()`, id)
}

// TestInboxIsDenseAndCalm: on a desk of 40 tickets nobody has taken, the
// workspace lands on Unassigned (My open is empty); at 1366x768 at least 15
// rows are in view, one line each; the bulk bar shows only once a row is
// ticked; a bulk solve updates the counts; a phone does not scroll sideways.
func TestInboxIsDenseAndCalm(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ana := e.agent("ana@example.com", "Ana Lima")
		e.busyDesk(40, e.token(ana.ID))
		e.requirePage("ana@example.com", "/inbox", "inbox")

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "ana@example.com")
		var title string
		e.run(tab, "land", chromedp.Navigate(e.url+"/"),
			chromedp.WaitVisible(`#inbox-rows tr[data-ticket-id]`, chromedp.ByQuery),
			chromedp.Text(`#view-title`, &title, chromedp.ByID),
			waitFor(viewCount("unassigned")+` === 40`))
		if title != "Unassigned" {
			t.Errorf("the workspace opened on %q, want Unassigned (My open is empty)", title)
		}

		var visible, rows int
		var oneLine bool
		e.run(tab, "count the rows in view",
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#inbox-rows tr[data-ticket-id]')).filter(r => {
				const b = r.getBoundingClientRect(); return b.height > 0 && b.top >= 0 && b.bottom <= window.innerHeight }).length`, &visible),
			chromedp.Evaluate(`document.querySelectorAll('#inbox-rows tr[data-ticket-id]').length`, &rows),
			// One line: no row is taller than its subject's single line allows.
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#inbox-rows tr[data-ticket-id]')).every(r =>
				r.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(r.querySelector('.col-subject')).lineHeight) + 16)`, &oneLine))
		e.viewShot(tab, "inbox-1366x768")
		if visible < 15 {
			t.Errorf("%d of %d rows are in view at 1366x768, want at least 15", visible, rows)
		}
		if !oneLine {
			t.Error("an inbox row takes more than one line at 1366x768")
		}
		var waits, replied int
		e.run(tab, "read the waits", chromedp.Evaluate(`document.querySelectorAll('#inbox-rows .col-waiting time').length`, &waits),
			chromedp.Evaluate(`document.querySelectorAll('#inbox-rows .col-waiting .replied').length`, &replied))
		// 40 tickets: 14 answered (every third), 7 of which written back to.
		if waits != 40-14+7 || replied != 7 {
			t.Errorf("%d rows show a wait and %d a customer reply, want 33 and 7", waits, replied)
		}

		var bulkShown bool
		e.run(tab, "the bulk bar is hidden", chromedp.Evaluate(`document.getElementById('bulk').getClientRects().length > 0`, &bulkShown))
		if bulkShown {
			t.Error("the bulk bar shows before any row is ticked")
		}
		var picked []string
		e.run(tab, "tick three rows", chromedp.Evaluate(`Array.from(document.querySelectorAll('#inbox-rows input[name=ticket]')).slice(0, 3).map(b => b.value)`, &picked))
		for _, id := range picked {
			e.run(tab, "tick "+id, chromedp.Click(`#pick-`+id, chromedp.ByID))
		}
		e.run(tab, "the bulk bar shows", chromedp.WaitVisible(`#bulk-status`, chromedp.ByID))
		e.shot(tab, "inbox-selected")
		e.run(tab, "solve them",
			chromedp.SetValue(`#bulk-status`, "solved", chromedp.ByID),
			chromedp.Click(`#bulk button[value=apply]`, chromedp.ByQuery),
			waitFor(`location.search.includes('view=unassigned')`),
			waitFor(viewCount("unassigned")+` === 37`),
			waitFor(viewCount("solved")+` === 3`))
		for _, id := range picked {
			var gone bool
			e.run(tab, "the solved rows leave", chromedp.Evaluate(`!document.getElementById('ticket-row-`+id+`')`, &gone))
			if !gone {
				t.Errorf("solved ticket %s is still listed as unassigned and open", id)
			}
		}

		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/inbox?view=unassigned"),
			chromedp.WaitVisible(`#inbox-rows tr[data-ticket-id]`, chromedp.ByQuery))
		var fits bool
		e.run(tab, "measure the phone", chromedp.Evaluate(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`, &fits))
		e.viewShot(tab, "inbox-390x844")
		if !fits {
			t.Error("the inbox scrolls sideways at 390 px")
		}
		e.checkProblems()
	})
}

// TestEmptyDeskShowsSetup: a desk without tickets shows an admin the four
// steps of setting it up, each ticked from what the desk holds, and an
// agent only the step an agent may take.
func TestEmptyDeskShowsSetup(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if _, err := e.users.Create(context.Background(), user.NewUser{Email: "ada@example.com", Name: "Ada Admin",
			Role: "admin", Password: password}); err != nil {
			t.Fatal(err)
		}
		e.agent("ana@example.com", "Ana Lima")
		e.requirePage("ada@example.com", "/inbox", "inbox")

		admin := e.tab()
		e.run(admin, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(admin, "ada@example.com")
		var steps, done int
		var links []string
		e.run(admin, "read the checklist", chromedp.Navigate(e.url+"/"),
			chromedp.WaitVisible(`.setup`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('.setup-steps li').length`, &steps),
			chromedp.Evaluate(`document.querySelectorAll('.setup-steps li.done').length`, &done),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('.setup-steps a')).map(a => a.getAttribute('href'))`, &links))
		e.shot(admin, "setup-admin")
		want := []string{"/admin/mailboxes", "/admin/users", "/philosophy/edit", "/views/new"}
		if steps != 4 || fmt.Sprint(links) != fmt.Sprint(want) {
			t.Errorf("the admin sees %d steps linking %v, want %v", steps, links, want)
		}
		// Ana is a teammate already: that step is ticked, and only it.
		var invited bool
		e.run(admin, "the invite step is ticked", chromedp.Evaluate(`document.querySelector('.setup-steps a[href="/admin/users"]').closest('li').classList.contains('done')`, &invited))
		if done != 1 || !invited {
			t.Errorf("%d steps ticked (invite ticked: %v), want only the invitation", done, invited)
		}

		agent := e.tab()
		e.signIn(agent, "ana@example.com")
		var agentLinks []string
		e.run(agent, "the agent's checklist", chromedp.Navigate(e.url+"/inbox"),
			chromedp.WaitVisible(`.setup`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('.setup-steps a')).map(a => a.getAttribute('href'))`, &agentLinks))
		if fmt.Sprint(agentLinks) != "[/views/new]" {
			t.Errorf("the agent sees steps %v, want only creating a view", agentLinks)
		}

		// A first ticket ends the checklist: the desk is in use.
		ticketOpened := e.newTicket("First!", "Hello")
		var shown bool
		e.run(admin, "reload", chromedp.Navigate(e.url+"/inbox"),
			chromedp.WaitVisible(`#ticket-row-`+strconv.FormatInt(ticketOpened.ID, 10), chromedp.ByID),
			chromedp.Evaluate(`!!document.querySelector('.setup')`, &shown))
		if shown {
			t.Error("the setup checklist still shows once the desk has a ticket")
		}
		e.checkProblems()
	})
}

// viewShot saves what the viewport shows, as a person at that screen size
// sees it (a full-page shot is taken at another width).
func (e *env) viewShot(ctx context.Context, name string) {
	e.t.Helper()
	var png []byte
	e.capture(ctx, name, &png, chromedp.CaptureScreenshot(&png))
}
