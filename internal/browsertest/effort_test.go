package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestLogACallOnAPhone: on a 390 px wide screen an agent opens "Log a
// call" on a ticket, logs what the customer said on the phone, and sees it
// in the conversation as the customer's message by phone, the effort in
// the header and on the customer's story count it, and nothing makes the
// page wider than the screen; the same page at 1366x768 is shot too.
func TestLogACallOnAPhone(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.agent("ana@example.com", "Ana Lima")
		tk := e.newTicket("Heating", "The radiator is cold.")
		ana := e.tab()
		e.run(ana, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
		e.signIn(ana, "ana@example.com")
		e.run(ana, "log a call",
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)),
			chromedp.WaitVisible(`#ticket-effort`, chromedp.ByID),
			chromedp.Click(`#log-call summary`, chromedp.ByQuery),
			chromedp.WaitVisible(`#call-body`, chromedp.ByID),
			chromedp.SetValue(`#call-channel`, "phone", chromedp.ByID),
			chromedp.SendKeys(`#call-body`, "Called: still cold upstairs.", chromedp.ByID),
			chromedp.Submit(`#call-body`, chromedp.ByID),
			chromedp.WaitVisible(`#conversation .message-channel`, chromedp.ByQuery),
		)
		var logged, header, story string
		e.run(ana, "read the page",
			chromedp.Text(`#conversation article.message:last-of-type .message-head`, &logged, chromedp.ByQuery),
			chromedp.Text(`#ticket-effort`, &header, chromedp.ByID),
			chromedp.Text(`#effort-contacts`, &story, chromedp.ByID),
		)
		if !strings.Contains(strings.ToLower(logged), "from the customer") || !strings.Contains(logged, "by phone") ||
			!strings.Contains(header, "2 contacts by Email, Phone") || !strings.Contains(story, "2") {
			t.Fatalf("message %q, header %q, story %q", logged, header, story)
		}
		var overflow bool
		e.run(ana, "measure", chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
		e.shot(ana, "phone-ticket-effort")
		if overflow {
			t.Errorf("the ticket page scrolls sideways on a 390 px screen")
		}
		e.run(ana, "laptop viewport", chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)),
			chromedp.WaitVisible(`#ticket-effort`, chromedp.ByID))
		e.shot(ana, "laptop-ticket-effort")
	})
}
