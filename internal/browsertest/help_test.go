package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestHelpCenterInTheBrowser: a customer searches the help center with a
// typo, opens the article, says it did not help and why; the home page,
// the article and the results fit a phone (390 px) and a desktop.
func TestHelpCenterInTheBrowser(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		svc := kb.NewService(d)
		editor := kb.Viewer{ID: testutil.NewUser(t, d, "lead"), Editor: true}
		ctx := testutil.As(editor.ID)
		cat, err := svc.CreateCategory(ctx, editor, kb.NewCategory{Name: "Billing and payments",
			Description: "Invoices, refunds and the card we charge"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := svc.CreateCategory(ctx, editor, kb.NewCategory{Name: "Your account", Description: "Signing in and security"})
		if err != nil {
			t.Fatal(err)
		}
		publish := func(title, body string, category int64, related ...int64) *kb.Article {
			a, err := svc.Create(ctx, editor, kb.NewArticle{Title: title, BodyMarkdown: body, CategoryID: category,
				Status: kb.Published, Visibility: kb.Public, RelatedIDs: related})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		addr := publish("Change the billing address on your invoices",
			"Open **Account › Billing**, then *Address*. The next invoice carries the new address.", cat.ID)
		publish("Reset your password", "Choose **Forgot password** on the sign-in page; we email a link that works for an hour.", other.ID)
		refund := publish("Refund policy", "## How long a refund takes\n\nRefunds are paid within **five working days** "+
			"to the card you paid with.\n\n- Gift cards cannot be refunded.\n- A partial refund shows as its own line.\n\n"+
			"| Paid with | Refunded in |\n|---|---|\n| Card | 5 days |\n| Bank transfer | 7 days |\n\n"+
			"A very long reference that must wrap: "+strings.Repeat("REFUND-", 12)+"END.", cat.ID, addr.ID)

		tab := e.tab()
		e.run(tab, "search with a typo",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.url+"/help"),
			chromedp.WaitVisible(`#help-q`, chromedp.ByID),
			chromedp.SendKeys(`#help-q`, "refnd", chromedp.ByID),
			chromedp.Submit(`#help-q`, chromedp.ByID),
			waitFor(`document.body.textContent.includes("Showing results for")`),
		)
		e.shot(tab, "390-search")
		e.run(tab, "open the article",
			chromedp.Click(`a[href="/help/articles/`+refund.Slug+`"]`, chromedp.ByQuery),
			waitFor(`document.title.startsWith("Refund policy")`),
			chromedp.Click(`.help-no summary`, chromedp.ByQuery),
			chromedp.Click(`input[name=reason][value=outdated]`, chromedp.ByQuery),
			chromedp.SendKeys(`#comment`, "Bank transfers took two weeks.", chromedp.ByID),
			chromedp.Click(`.help-no button[type=submit]`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("Thank you for your feedback")`),
		)
		a, err := svc.Get(context.Background(), refund.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.HelpfulNo != 1 || a.Views < 1 {
			t.Errorf("votes no %d, views %d", a.HelpfulNo, a.Views)
		}
		for _, path := range []string{"/help", "/help/articles/" + refund.Slug, "/help/search?q=refund",
			"/help/categories/" + itoa(cat.ID)} {
			var wide string
			e.run(tab, "phone "+path,
				chromedp.EmulateViewport(390, 844),
				chromedp.Navigate(e.url+path),
				chromedp.WaitReady(`main`, chromedp.ByQuery),
				chromedp.Evaluate(tooWide, &wide),
			)
			e.shot(tab, "390-"+path)
			if wide != "" {
				t.Errorf("%s scrolls sideways at 390 px; too wide: %s", path, wide)
			}
			e.run(tab, "desktop "+path, chromedp.EmulateViewport(1366, 768), chromedp.Reload(),
				chromedp.WaitReady(`main`, chromedp.ByQuery), chromedp.Evaluate(tooWide, &wide))
			e.shot(tab, "1366-"+path)
			if wide != "" {
				t.Errorf("%s scrolls sideways at 1366 px; too wide: %s", path, wide)
			}
		}
		// A customer who is not signed in writes in: articles are suggested
		// as they type, and the ticket keeps what they were shown.
		e.run(tab, "contact form",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.url+"/help/contact"),
			chromedp.WaitVisible(`#subject`, chromedp.ByID),
		)
		e.run(tab, "fill in", chromedp.SetValue(`#email`, "ada@example.com", chromedp.ByID),
			chromedp.SetValue(`#description`, "Paid by bank transfer.", chromedp.ByID))
		e.run(tab, "type the subject", chromedp.SendKeys(`#subject`, "My refund is late", chromedp.ByID))
		e.run(tab, "suggestions appear",
			chromedp.WaitVisible(`.help-suggestions a[href="/help/articles/`+refund.Slug+`"]`, chromedp.ByQuery))
		e.shot(tab, "390-contact-suggestions")
		e.run(tab, "file anyway",
			chromedp.Click(`form[data-suggest] button[type=submit]`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("We received your request")`),
		)
		var ticketID int64
		if err := d.Read().QueryRow(`SELECT id FROM tickets WHERE subject = 'My refund is late'`).Scan(&ticketID); err != nil {
			t.Fatal(err)
		}
		seen, err := svc.SeenBefore(context.Background(), ticketID)
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[0].ID != refund.ID || !seen[0].Opened {
			t.Errorf("the ticket kept %+v, want the refund article opened earlier", seen)
		}
		e.checkProblems()
	})
}
