package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// TestTimesInTheViewersZone: a browser in Auckland signs in an agent who
// has no zone yet, and the zone becomes theirs; the ticket page shows the
// ticket's time in Auckland, relative, in a <time> element that does not
// wrap and gives the exact time on hover; the page's script words times as
// the server does; the profile page changes the zone.
func TestTimesInTheViewersZone(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		kiri := e.agent("kiri@example.com", "Kiri Agent")
		tab := e.tab()
		e.run(tab, "be in Auckland", emulation.SetTimezoneOverride("Pacific/Auckland"))
		e.signIn(tab, "kiri@example.com")
		if u, err := e.users.Get(ctx, kiri.ID); err != nil || u.TimeZone != "Pacific/Auckland" {
			t.Fatalf("after signing in from Auckland the agent's zone is %q (%v)", u.TimeZone, err)
		}

		// A ticket opened two days and a bit ago, to the minute.
		tk := e.newTicket("Parcel never arrived", "Where is my parcel?")
		opened := time.Now().UTC().Add(-50 * time.Hour).Truncate(time.Minute)
		for _, q := range []string{`UPDATE tickets SET created_at = $1, updated_at = $1 WHERE id = $2`,
			`UPDATE messages SET created_at = $1 WHERE ticket_id = $2`} {
			if _, err := d.Writer(ctx).ExecContext(ctx, q, db.Time(opened), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		auckland, err := time.LoadLocation("Pacific/Auckland")
		if err != nil {
			t.Fatal(err)
		}
		sel := fmt.Sprintf(`document.querySelector('time[datetime="%s"]')`, opened.Format(time.RFC3339))
		var got struct {
			Text, Title, Zone, WhiteSpace string
		}
		e.run(tab, "open the ticket",
			chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)),
			waitFor(sel),
			chromedp.Evaluate(`(() => { const el = `+sel+`; return {Text: el.textContent, Title: el.title,
				Zone: el.dataset.tz, WhiteSpace: getComputedStyle(el).whiteSpace}; })()`, &got),
		)
		want := kit.Relative(opened, time.Now(), auckland)
		if got.Text != want || got.Title != kit.Exact(opened, auckland) || got.Zone != "Pacific/Auckland" || got.WhiteSpace != "nowrap" {
			t.Fatalf("the ticket's time shows %+v; want %q titled %q in Pacific/Auckland, not wrapping",
				got, want, kit.Exact(opened, auckland))
		}
		if !strings.Contains(got.Title, "NZ") {
			t.Fatalf("the exact time %q does not name New Zealand's zone", got.Title)
		}
		e.shot(tab, "ticket-desktop")

		// The script that keeps the words current says what the server says.
		for _, c := range kit.RelativeCases() {
			var js string
			e.run(tab, "word "+c.Name, chromedp.Evaluate(fmt.Sprintf(`centerdeskRelative(%d, %d, %q)`,
				c.At.UnixMilli(), c.Now.UnixMilli(), c.Zone), &js))
			if js != c.Want {
				t.Errorf("%s: the browser says %q, the server %q", c.Name, js, c.Want)
			}
		}
		// And it rewrites a stale word when the page is shown again.
		e.run(tab, "refresh a stale time",
			chromedp.Evaluate(sel+`.textContent = "stale"; document.dispatchEvent(new Event("visibilitychange"))`, nil),
			waitFor(sel+`.textContent === `+fmt.Sprintf("%q", want)),
		)

		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)), waitFor(sel))
		e.shot(tab, "ticket-phone")

		// The profile page shows the zone and changes it.
		e.run(tab, "choose Oslo",
			chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(e.url+"/account"),
			chromedp.WaitVisible(`#time-zone-select`, chromedp.ByID),
			waitFor(`document.getElementById("time-zone-select").value === "Pacific/Auckland"`),
		)
		e.shot(tab, "account-desktop")
		e.run(tab, "save Oslo",
			chromedp.SetValue(`#time-zone-select`, "Europe/Oslo", chromedp.ByID),
			chromedp.Submit(`#time-zone-select`, chromedp.ByID),
			chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
		)
		if u, err := e.users.Get(ctx, kiri.ID); err != nil || u.TimeZone != "Europe/Oslo" {
			t.Fatalf("after choosing Oslo the zone is %q (%v)", u.TimeZone, err)
		}
		e.run(tab, "the ticket in Oslo",
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)),
			waitFor(sel+` && `+sel+`.dataset.tz === "Europe/Oslo"`),
		)

		e.checkPhoneWidth(tab, "/account", fmt.Sprintf("/tickets/%d", tk.ID))
		e.checkProblems()
	})
}
