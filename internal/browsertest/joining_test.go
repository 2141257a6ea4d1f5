package browsertest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestPortalOffersOpenRequests: a customer with an open request who starts
// a new one is asked "Is this about one of these?", on a desktop and on a
// 390 px phone without sideways scroll, and choosing it adds the message
// to that request.
func TestPortalOffersOpenRequests(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		relay := e.sendingMailbox()
		cu := e.tab()
		e.run(cu, "ask for a sign-in link",
			chromedp.Navigate(e.url+"/portal"),
			chromedp.WaitVisible(`#email`, chromedp.ByID),
			chromedp.SendKeys(`#email`, "dora@example.com", chromedp.ByID),
			chromedp.Submit(`#email`, chromedp.ByID),
			waitFor(`document.body.textContent.includes("Check your email")`),
		)
		e.run(cu, "follow the link",
			chromedp.Navigate(e.url+relay.signInLink(t)),
			chromedp.Click(`form[action^="/portal/signin/"] button[type=submit]`, chromedp.ByQuery),
		)
		e.waitPath(cu, "/portal")
		e.run(cu, "write a first request",
			chromedp.Navigate(e.url+"/portal/tickets/new"),
			chromedp.WaitVisible(`#subject`, chromedp.ByID),
			chromedp.SendKeys(`#subject`, "The invoice PDF for order 88231 opens as a blank page in every reader", chromedp.ByID),
			chromedp.SendKeys(`#description`, "Blank in three readers.", chromedp.ByID),
			chromedp.Submit(`#subject`, chromedp.ByID),
			waitFor(`location.pathname.startsWith("/portal/tickets/") && document.body.textContent.includes("Blank in three readers.")`),
		)
		var path string
		e.run(cu, "read the address", chromedp.Evaluate(`location.pathname`, &path))
		id, err := strconv.ParseInt(strings.TrimPrefix(path, "/portal/tickets/"), 10, 64)
		if err != nil {
			t.Fatalf("request page %q: %v", path, err)
		}

		for _, size := range []struct {
			name string
			w, h int64
		}{{"1366", 1366, 768}, {"390", 390, 844}} {
			var wide string
			e.run(cu, "open the form at "+size.name,
				chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(e.url+"/portal/tickets/new"),
				chromedp.WaitVisible(`#portal-join`, chromedp.ByID),
				waitFor(`document.getElementById("portal-join").textContent.includes("Is this about one of these?") &&
					document.getElementById("portal-join-`+strconv.FormatInt(id, 10)+`").textContent.includes("order 88231")`),
				chromedp.Evaluate(tooWide, &wide),
			)
			e.shot(cu, size.name+"-portal-new-request")
			if wide != "" {
				t.Errorf("the form scrolls sideways at %s px; too wide: %s", size.name, wide)
			}
		}

		e.run(cu, "add to the open request",
			chromedp.Click(`#portal-join-`+strconv.FormatInt(id, 10)+` input`, chromedp.ByQuery),
			chromedp.SendKeys(`#description`, "It is still blank today.", chromedp.ByID),
			chromedp.Submit(`#description`, chromedp.ByID),
			waitFor(`location.pathname === "/portal/tickets/`+strconv.FormatInt(id, 10)+`" &&
				document.body.textContent.includes("It is still blank today.")`),
		)
		e.shot(cu, "390-portal-joined")
		e.checkProblems()
	})
}
