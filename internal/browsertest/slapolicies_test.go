package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestSLAPoliciesPage: a lead is told which field is wrong, then creates a
// policy on the page at desktop width and another on a phone, and moves the
// second above the first; the page fits a phone.
func TestSLAPoliciesPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead, err := e.users.Create(context.Background(), user.NewUser{Email: "lee.lead@example.com", Name: "Lee Lead",
			Role: "lead", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		tab := e.tab()
		e.signIn(tab, lead.Email)
		e.run(tab, "a policy with a bad value",
			chromedp.EmulateViewport(1366, 900),
			chromedp.Navigate(e.url+"/admin/sla-policies"),
			waitFor(`document.querySelector("#policy-name") !== null`),
			chromedp.SetValue("#policy-name", "Urgent email", chromedp.ByQuery),
			chromedp.SetValue("#cond-field-0", "priority", chromedp.ByQuery),
			chromedp.SetValue("#cond-op-0", "in", chromedp.ByQuery),
			chromedp.SetValue("#cond-value-0", "urgent, hgih", chromedp.ByQuery),
			chromedp.SetValue("#minutes-first_reply", "60", chromedp.ByQuery),
			chromedp.Click(`.policy-form button[type="submit"]`, chromedp.ByQuery),
			waitFor(`(document.querySelector(".error") || {}).textContent?.includes("conditions[0].value")`),
		)
		e.shot(tab, "1366-sla-policy-error")
		e.run(tab, "the policy fixed",
			chromedp.SetValue("#cond-value-0", "urgent, high", chromedp.ByQuery),
			chromedp.Click(`.policy-form button[type="submit"]`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("SLA policy Urgent email created")`),
		)
		e.shot(tab, "1366-sla-policies")
		var wide string
		e.run(tab, "a second policy on a phone",
			chromedp.EmulateViewport(390, 844),
			chromedp.Reload(),
			waitFor(`document.querySelector("#policy-name") !== null`),
			chromedp.Evaluate(tooWide, &wide),
			chromedp.SetValue("#policy-name", "Everything else", chromedp.ByQuery),
			chromedp.SetValue("#minutes-resolution", "480", chromedp.ByQuery),
			chromedp.Click(`.policy-form button[type="submit"]`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("SLA policy Everything else created")`),
		)
		if wide != "" {
			t.Errorf("/admin/sla-policies scrolls sideways at 390 px; too wide: %s", wide)
		}
		e.shot(tab, "390-sla-policies")
		e.run(tab, "moved up",
			chromedp.Click(`button[aria-label="Move Everything else up"]`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("Order saved")`),
		)
		all, err := sla.New(d, nil, sla.Options{}).Policies(testutil.As(lead.ID))
		if err != nil || len(all) != 2 || all[0].Name != "Everything else" || len(all[1].Conditions) != 1 {
			t.Fatalf("stored %+v %v", all, err)
		}
		// The header's search keeps a usable width on a laptop screen, for
		// a lead and for an admin (whose nav has the Admin menu too).
		admin, err := e.users.Create(context.Background(), user.NewUser{Email: "ada.admin@example.com", Name: "Ada Admin",
			Role: "admin", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		adminTab := e.tab()
		e.signIn(adminTab, admin.Email)
		for who, tb := range map[string]context.Context{"lead": tab, "admin": adminTab} {
			for _, w := range []int64{800, 1024, 1280} {
				var width float64
				var wide string
				e.run(tb, fmt.Sprintf("%s at %d px", who, w),
					chromedp.EmulateViewport(w, 800),
					chromedp.Navigate(e.url+"/admin/sla-policies"),
					waitFor(`document.querySelector("#global-search") !== null`),
					chromedp.Evaluate(`document.querySelector("#global-search").getBoundingClientRect().width`, &width),
					chromedp.Evaluate(tooWide, &wide),
				)
				e.shot(tb, fmt.Sprintf("%d-header-%s", w, who))
				if width < 150 || wide != "" {
					t.Errorf("at %d px for a %s: the search box is %.0f px wide; too wide: %q", w, who, width, wide)
				}
			}
		}
		e.checkProblems()
	})
}
