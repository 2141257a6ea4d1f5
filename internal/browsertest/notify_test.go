package browsertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestNotificationBellUpdatesLive: while an agent has a page open, a
// colleague assigns them a ticket; the bell's count goes up without a
// reload, and the notifications page lists it and takes them to the ticket.
func TestNotificationBellUpdatesLive(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ana := e.agent("ana@example.com", "Ana Lima")
		bo := e.agent("bo@example.com", "Bo Berg")
		tk := e.newTicket("Refund please", "Charged twice.")

		tab := e.tab()
		e.signIn(tab, "ana@example.com")
		e.run(tab, "open the notifications page",
			chromedp.Navigate(e.url+"/notifications"),
			chromedp.WaitVisible(`#notifications`, chromedp.ByID),
			chromedp.Evaluate(`window.centerdeskTestMark = 1`, nil),
		)
		var hidden bool
		e.run(tab, "read the bell", chromedp.Evaluate(`document.getElementById("notifications-count").hidden`, &hidden))
		if !hidden {
			t.Fatal("the bell shows a count before anything happened")
		}

		req, _ := http.NewRequest("PATCH", fmt.Sprintf("%s/api/v1/tickets/%d", e.url, tk.ID),
			strings.NewReader(fmt.Sprintf(`{"assignee_id": %d}`, ana.ID)))
		req.Header.Set("Authorization", "Bearer "+e.token(bo.ID))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d", resp.StatusCode)
		}
		e.run(tab, "see the bell count go up",
			waitFor(`(() => { const c = document.getElementById("notifications-count"); return !c.hidden && c.textContent.trim() === "1" && window.centerdeskTestMark === 1 })()`))
		e.shot(tab, "bell")
		e.run(tab, "list the notification",
			chromedp.Reload(),
			chromedp.WaitVisible(`#notification-list li.unread`, chromedp.ByQuery),
		)
		var line string
		e.run(tab, "read it", chromedp.Text(`#notification-list li`, &line, chromedp.ByQuery))
		if want := fmt.Sprintf("Bo Berg assigned #%d to you", tk.Number); !strings.Contains(line, want) {
			t.Fatalf("notification %q lacks %q", line, want)
		}
		e.shot(tab, "notifications")
		e.run(tab, "open it", chromedp.Click(`#notification-list li button.linkish`, chromedp.ByQuery))
		e.waitPath(tab, fmt.Sprintf("/tickets/%d", tk.ID))
		e.checkProblems()
	})
}
