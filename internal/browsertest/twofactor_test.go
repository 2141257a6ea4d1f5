package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestTwoFactorEnrolmentInTheBrowser: an agent enrols from scratch with the
// QR page (the image must load under the CSP, and the key must not change
// when the page is loaded again), turns it on with a computed code, is
// shown the recovery codes once, and signs in again with a second code.
func TestTwoFactorEnrolmentInTheBrowser(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.agent("ana@example.com", "Ana Lima")
		tab := e.tab()
		e.signIn(tab, "ana@example.com")

		var secret, again string
		e.run(tab, "open the enrolment page",
			chromedp.Navigate(e.url+"/account/two-factor"),
			chromedp.WaitVisible(`#totp-secret`, chromedp.ByID),
			waitFor(`document.querySelector("img[alt^='QR code']").complete && document.querySelector("img[alt^='QR code']").naturalWidth > 0`),
			chromedp.Text(`#totp-secret`, &secret, chromedp.ByID),
		)
		e.shot(tab, "enrol-desktop")
		e.run(tab, "reload the enrolment page",
			chromedp.Reload(),
			chromedp.WaitVisible(`#totp-secret`, chromedp.ByID),
			chromedp.Text(`#totp-secret`, &again, chromedp.ByID),
		)
		if secret == "" || again != secret {
			t.Fatalf("the key changed on reload: %q then %q", secret, again)
		}

		e.run(tab, "type a wrong code",
			chromedp.SendKeys(`#code`, "000000", chromedp.ByID),
			chromedp.Submit(`#code`, chromedp.ByID),
			chromedp.WaitVisible(`p.error`, chromedp.ByQuery),
		)
		now := time.Now()
		code, err := totp.GenerateCode(strings.TrimSpace(secret), now)
		if err != nil {
			t.Fatal(err)
		}
		e.run(tab, "turn two-factor on",
			chromedp.SetValue(`#code`, code, chromedp.ByID),
			chromedp.Submit(`#code`, chromedp.ByID),
			chromedp.WaitVisible(`#recovery-codes`, chromedp.ByID),
		)
		var codes int
		e.run(tab, "count the recovery codes", chromedp.Evaluate(`document.querySelectorAll("#recovery-codes li").length`, &codes))
		if codes != 10 {
			t.Fatalf("%d recovery codes shown, want 10", codes)
		}
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
		e.shot(tab, "recovery-codes-phone")
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))

		// Signing in again takes a code: the next one, since the one that
		// turned two-factor on is spent.
		next, err := totp.GenerateCode(strings.TrimSpace(secret), now.Add(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		other := e.tab()
		e.run(other, "sign in with the password",
			chromedp.Navigate(e.url+"/signin"),
			chromedp.WaitVisible(`#email`, chromedp.ByID),
			chromedp.SendKeys(`#email`, "ana@example.com", chromedp.ByID),
			chromedp.SendKeys(`#password`, password, chromedp.ByID),
			chromedp.Submit(`#password`, chromedp.ByID),
			chromedp.WaitVisible(`#code`, chromedp.ByID),
		)
		e.shot(other, "second-step")
		e.run(other, "enter the code",
			chromedp.SendKeys(`#code`, next, chromedp.ByID),
			chromedp.Submit(`#code`, chromedp.ByID),
			chromedp.WaitReady(`#notifications`, chromedp.ByID),
		)
		e.checkProblems()
	})
}
