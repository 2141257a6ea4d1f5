package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestNewTicketAndCustomerPage: an agent opens a ticket for a new caller
// as an internal note, then one for an existing customer as an email (which
// leaves through the desk's mail relay); edits that customer, adds and
// removes a phone number, and merges a duplicate into them. Both pages fit
// a phone without sideways scrolling.
func TestNewTicketAndCustomerPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		relay := e.sendingMailbox()
		e.person("ana@example.com", "Ana Agent", user.RoleAgent)
		cs := customer.NewService(d)
		ctx := context.Background()
		ann, err := cs.Create(ctx, customer.NewCustomer{Email: "ann.longname.for.wrapping@customer-example.com", Name: "Ann Example"})
		if err != nil {
			t.Fatal(err)
		}
		dup, err := cs.Create(ctx, customer.NewCustomer{Email: "ann@home.example", Name: "Ann at home",
			Identities: []customer.NewIdentity{{Kind: "phone", Value: "+1 202 555 0100"}}})
		if err != nil {
			t.Fatal(err)
		}
		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "ana@example.com")

		// A new caller, as an internal note.
		e.run(tab, "open the new ticket page from the header",
			chromedp.Navigate(e.url+"/inbox"),
			chromedp.WaitVisible(`#nav-new-ticket`, chromedp.ByID),
			chromedp.Click(`#nav-new-ticket`, chromedp.ByID),
			chromedp.WaitVisible(`#customer-q`, chromedp.ByID),
			chromedp.Click(`#customer-new`, chromedp.ByID),
			chromedp.WaitVisible(`#new-phone`, chromedp.ByID),
			chromedp.SendKeys(`#new-name`, "Nia Caller", chromedp.ByID),
			chromedp.SendKeys(`#new-phone`, "+44 20 7946 0958", chromedp.ByID),
			chromedp.SendKeys(`#subject`, "Called about a late delivery", chromedp.ByID),
			chromedp.SendKeys(`#body`, "Parcel 4411 is a week late; promised a call back tomorrow.", chromedp.ByID),
		)
		e.shot(tab, "new-ticket-desktop")
		e.run(tab, "open it",
			chromedp.Click(`#open-ticket`, chromedp.ByID),
			waitFor(`location.pathname.startsWith("/tickets/") && location.pathname !== "/tickets/new" &&
				document.querySelector("p.flash") && document.querySelector("p.flash").textContent.includes("internal note")`),
		)
		var channel, status string
		if err := d.Read().QueryRow(`SELECT t.channel, t.status FROM tickets t JOIN customers c ON c.id = t.requester_id
			WHERE c.name = 'Nia Caller'`).Scan(&channel, &status); err != nil || channel != "phone" || status != "open" {
			t.Fatalf("the caller's ticket: %q %q %v", channel, status, err)
		}

		// An existing customer, found as the agent types, by email.
		e.run(tab, "find Ann and email her",
			chromedp.Navigate(e.url+"/tickets/new"),
			chromedp.WaitVisible(`#customer-q`, chromedp.ByID),
			chromedp.SendKeys(`#customer-q`, "longname", chromedp.ByID),
			chromedp.WaitVisible(`#customer-results input[name=customer_id]`, chromedp.ByQuery),
			chromedp.Click(`#customer-results input[name=customer_id]`, chromedp.ByQuery),
			chromedp.SetValue(`#channel`, "walk_in", chromedp.ByID),
			chromedp.Click(`input[name=kind][value=reply]`, chromedp.ByQuery),
			chromedp.SendKeys(`#subject`, "Your visit today", chromedp.ByID),
			chromedp.SendKeys(`#body`, "As discussed at the desk, the replacement is on its way.", chromedp.ByID),
			chromedp.Click(`#open-ticket`, chromedp.ByID),
			waitFor(`location.pathname !== "/tickets/new" && document.querySelector("p.flash") &&
				document.querySelector("p.flash").textContent.includes("email")`),
		)
		relay.waitFor(t, "the replacement is on its way")
		var requester int64
		if err := d.Read().QueryRow(`SELECT requester_id FROM tickets WHERE channel = 'walk_in'`).Scan(&requester); err != nil || requester != ann.ID {
			t.Fatalf("the walk-in ticket's requester: %d %v, want %d", requester, err, ann.ID)
		}

		// Ann's page: edit, add and remove a phone number, merge the
		// duplicate in.
		annPath := "/customers/" + strconv.FormatInt(ann.ID, 10)
		e.run(tab, "edit Ann",
			chromedp.Navigate(e.url+annPath),
			chromedp.WaitVisible(`#customer-name`, chromedp.ByID),
			chromedp.SetValue(`#customer-name`, "Ann Lovelace", chromedp.ByID),
			chromedp.SetValue(`#customer-notes`, "Visits the shop on Fridays.", chromedp.ByID),
			chromedp.Submit(`#customer-name`, chromedp.ByID),
			waitFor(`document.querySelector("p.flash") && document.querySelector("p.flash").textContent.includes("Customer saved")`),
		)
		e.run(tab, "add a phone number",
			chromedp.SetValue(`#identity-kind`, "phone", chromedp.ByID),
			chromedp.SendKeys(`#identity-value`, "+44 20 7946 0000", chromedp.ByID),
			chromedp.Submit(`#identity-value`, chromedp.ByID),
			waitFor(`document.querySelector("p.flash") && document.querySelector("p.flash").textContent.includes("+442079460000")`),
		)
		e.run(tab, "the duplicate's address is refused, with a merge offered",
			chromedp.SetValue(`#identity-kind`, "email", chromedp.ByID),
			chromedp.SendKeys(`#identity-value`, "ann@home.example", chromedp.ByID),
			chromedp.Submit(`#identity-value`, chromedp.ByID),
			chromedp.WaitVisible(`#offer-merge`, chromedp.ByID),
		)
		e.shot(tab, "customer-identity-refused")
		e.run(tab, "remove the phone number",
			chromedp.Click(`button[aria-label="Remove +442079460000"]`, chromedp.ByQuery),
			waitFor(`document.querySelector("p.flash") && document.querySelector("p.flash").textContent.includes("Removed")`),
		)
		e.shot(tab, "customer-desktop")
		e.run(tab, "merge the duplicate",
			chromedp.SendKeys(`#merge-q`, "home", chromedp.ByID),
			chromedp.WaitVisible(`#merge-results a.button`, chromedp.ByQuery),
			chromedp.Click(`#merge-results a.button`, chromedp.ByQuery),
			chromedp.WaitVisible(`#confirm-merge`, chromedp.ByID),
		)
		e.shot(tab, "merge-confirm-desktop")
		e.run(tab, "confirm",
			chromedp.Click(`#confirm-merge`, chromedp.ByID),
			waitFor(`document.querySelector("p.flash") && document.querySelector("p.flash").textContent.includes("Merged")`),
		)
		got, err := cs.Get(ctx, ann.ID)
		if err != nil || got.Name != "Ann Lovelace" || len(got.Identities) != 3 {
			t.Fatalf("Ann after the merge: %+v %v", got, err)
		}
		if _, err := cs.Get(ctx, dup.ID); err == nil {
			t.Fatal("the duplicate still exists")
		}

		// On a phone: no sideways scrolling.
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
		for _, page := range []struct{ path, name string }{{annPath, "customer-phone"}, {"/tickets/new?customer_id=" + strconv.FormatInt(ann.ID, 10), "new-ticket-phone"}} {
			var fits bool
			e.run(tab, "measure "+page.path,
				chromedp.Navigate(e.url+page.path),
				chromedp.WaitReady(`main`, chromedp.ByQuery),
				chromedp.Evaluate(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`, &fits),
			)
			e.shot(tab, page.name)
			if !fits {
				t.Errorf("%s scrolls sideways at 390 px", page.path)
			}
		}
		e.checkProblems()
	})
}

// waitFor waits until a mail whose text contains want reached the relay.
func (c *mailCatcher) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for _, text := range c.texts {
			if strings.Contains(text, want) {
				c.mu.Unlock()
				return
			}
		}
		c.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail with %q reached the relay", want)
}
