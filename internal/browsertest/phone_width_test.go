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

// longEmail is a customer's address of 60 characters, with no place a
// browser would break it by itself.
const longEmail = "maximiliana.featherstonehaugh-worthington@longcompany.example"

// tooWide lists what sticks out past the right edge when the page scrolls
// sideways, or "" when it does not.
const tooWide = `document.documentElement.scrollWidth <= document.documentElement.clientWidth ? "" :
	Array.from(document.querySelectorAll("body *")).
	filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && el.getClientRects().length > 0).
	slice(0, 8).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : "") +
		" (right " + Math.round(el.getBoundingClientRect().right) + ")").join(", ") || "?"`

// TestNoSidewaysScrollOnAPhone: at 390x844 no page an admin or a customer
// opens scrolls sideways, with a customer whose email address is 60
// characters long. Each page is photographed at 390x844 and 1366x768.
func TestNoSidewaysScrollOnAPhone(t *testing.T) {
	if len(longEmail) < 60 {
		t.Fatalf("the long address has %d characters", len(longEmail))
	}
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		relay := e.sendingMailbox()
		admin, err := e.users.Create(context.Background(), user.NewUser{Email: "ada.admin@example.com",
			Name: "Ada Admin", Role: "admin", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := ticket.NewService(e.d).Create(context.Background(), ticket.NewTicket{
			Subject:   "The invoice for featherstonehaugh-worthington-international-holdings is wrong",
			Requester: ticket.Requester{Email: longEmail, Name: "Maximiliana Featherstonehaugh-Worthington"},
			Body:      "Please send it again to " + longEmail + " and copy " + strings.Repeat("x", 70) + ".",
			Channel:   "email"})
		if err != nil {
			t.Fatal(err)
		}
		e.assign(tk.ID, admin.ID)

		agentPages := []string{fmt.Sprintf("/tickets/%d", tk.ID), fmt.Sprintf("/customers/%d", tk.RequesterID), "/me",
			"/admin/settings", "/admin/users", "/admin/teams", "/admin/tags", "/admin/fields", "/admin/mailboxes",
			"/admin/macros", "/admin/tokens", "/admin/audit", "/admin/recognition", "/account"}
		ag := e.tab()
		e.signIn(ag, admin.Email)
		e.checkWidths(ag, agentPages)

		cu := e.tab()
		e.run(cu, "ask for a sign-in link",
			chromedp.Navigate(e.url+"/portal"),
			chromedp.WaitVisible(`#email`, chromedp.ByID),
			chromedp.SendKeys(`#email`, longEmail, chromedp.ByID),
			chromedp.Submit(`#email`, chromedp.ByID),
			waitFor(`document.body.textContent.includes("Check your email")`),
		)
		e.run(cu, "follow the link",
			chromedp.Navigate(e.url+relay.signInLink(t)),
			chromedp.Click(`form[action^="/portal/signin/"] button[type=submit]`, chromedp.ByQuery),
		)
		e.waitPath(cu, "/portal")
		e.checkWidths(cu, []string{"/portal", fmt.Sprintf("/portal/tickets/%d", tk.ID), "/portal/tickets/new"})
		e.checkProblems()
	})
}

// checkWidths opens each page at 390x844, fails for one that scrolls
// sideways, and photographs it there and at 1366x768.
func (e *env) checkWidths(tab context.Context, paths []string) {
	e.t.Helper()
	for _, path := range paths {
		var wide string
		e.run(tab, "phone "+path,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.url+path),
			chromedp.WaitReady(`main`, chromedp.ByQuery),
			chromedp.Evaluate(tooWide, &wide),
		)
		var at string
		e.run(tab, "where "+path, chromedp.Evaluate(`location.pathname`, &at))
		if at != path && !(path == "/me" && strings.HasPrefix(at, "/agents/")) {
			e.t.Errorf("%s led to %s", path, at)
		}
		e.shot(tab, "390-"+path)
		if wide != "" {
			e.t.Errorf("%s scrolls sideways at 390 px; too wide: %s", path, wide)
		}
		if desktopShots[path] || strings.HasPrefix(path, "/tickets/") || strings.HasPrefix(path, "/customers/") {
			e.run(tab, "desktop "+path, chromedp.EmulateViewport(1366, 768), chromedp.Reload(), chromedp.WaitReady(`main`, chromedp.ByQuery))
			e.shot(tab, "1366-"+path)
		}
	}
}

// desktopShots are the pages also photographed at 1366x768 (all of them
// would not fit in the browser tests' time on a busy machine).
var desktopShots = map[string]bool{"/me": true, "/admin/settings": true, "/admin/mailboxes": true, "/portal": true}
