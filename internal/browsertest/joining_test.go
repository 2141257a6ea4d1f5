package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
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

// TestWorkspaceOffersJoins: the ticket page offers "possibly the same
// issue" with a one-click join, and the new ticket form shows the chosen
// customer's open tickets as soon as the customer is picked, on a desktop
// and on a 390 px phone without sideways scroll.
func TestWorkspaceOffersJoins(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.agent("bo@example.com", "Bo Berg")
		ctx := context.Background()
		c, err := customer.NewService(d).Create(ctx, customer.NewCustomer{Name: "Elif Example", Email: "elif@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		tickets := ticket.NewService(d)
		older, _, err := tickets.OpenReceived(ctx, ticket.Received{CustomerID: c.ID, Channel: "portal",
			Subject: "The invoice PDF for order 88231 opens as a blank page in every reader", Body: "Blank."})
		if err != nil {
			t.Fatal(err)
		}
		newer, _, err := tickets.OpenReceived(ctx, ticket.Received{CustomerID: c.ID, Channel: "email",
			Subject: "Invoice 88231 unreadable", Body: "Still blank."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := joining.New(d, tickets).Suggest(ctx, newer.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		tab := e.tab()
		e.signIn(tab, "bo@example.com")
		newerPath := "/tickets/" + strconv.FormatInt(newer.ID, 10)
		for _, size := range []struct {
			name string
			w, h int64
		}{{"1366", 1366, 768}, {"390", 390, 844}} {
			var wide string
			e.run(tab, "the ticket page at "+size.name,
				chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(e.url+newerPath),
				chromedp.WaitVisible(`#same-issue`, chromedp.ByID),
				chromedp.Evaluate(tooWide, &wide),
			)
			e.shot(tab, size.name+"-ticket-same-issue")
			if wide != "" {
				t.Errorf("the ticket page scrolls sideways at %s px; too wide: %s", size.name, wide)
			}
			e.run(tab, "the new ticket form at "+size.name,
				chromedp.Navigate(e.url+"/tickets/new?q=elif"),
				chromedp.WaitVisible(`#customer-results input[name=customer_id]`, chromedp.ByQuery),
				chromedp.Click(`#customer-results input[name=customer_id]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#add-to-`+strconv.FormatInt(older.ID, 10), chromedp.ByID),
				chromedp.Evaluate(tooWide, &wide),
			)
			e.shot(tab, size.name+"-new-ticket-open-tickets")
			if wide != "" {
				t.Errorf("the new ticket form scrolls sideways at %s px; too wide: %s", size.name, wide)
			}
		}
		e.run(tab, "join with one click",
			chromedp.Navigate(e.url+newerPath),
			chromedp.WaitVisible(`#same-issue button`, chromedp.ByQuery),
			chromedp.Click(`#same-issue button`, chromedp.ByQuery),
			waitFor(`location.pathname === "/tickets/`+strconv.FormatInt(older.ID, 10)+`" &&
				document.getElementById("history").textContent.includes("into this one as the same issue")`),
		)
		e.shot(tab, "390-ticket-joined")
		e.checkProblems()
	})
}
