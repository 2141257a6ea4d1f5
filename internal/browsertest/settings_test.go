package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestPhoneRegionSetting: an admin sets the desk's phone region on the
// settings page; an unknown region is refused beside its field and
// nothing is saved; the page fits a phone.
func TestPhoneRegionSetting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.person("root@example.com", "Rita Root", user.RoleAdmin)
		tab := e.tab()
		e.signIn(tab, "root@example.com")

		var problem string
		e.run(tab, "type an unknown region",
			chromedp.Navigate(e.url+"/admin/settings"),
			chromedp.WaitVisible(`#phone_region`, chromedp.ByID),
			chromedp.SetValue(`#phone_region`, "XX", chromedp.ByID),
			chromedp.Submit(`#phone_region`, chromedp.ByID),
			chromedp.WaitVisible(`#settings-error`, chromedp.ByID),
			chromedp.Text(`#settings-error`, &problem, chromedp.ByID),
		)
		if !strings.Contains(problem, "two-letter region code") {
			t.Fatalf("error %q", problem)
		}
		if st, err := settings.NewStore(d).Get(context.Background()); err != nil || st.PhoneRegion != "" {
			t.Fatalf("a refused region was saved: %+v %v", st, err)
		}
		e.shot(tab, "settings-error-desktop")

		e.run(tab, "set GB",
			chromedp.SetValue(`#phone_region`, "gb", chromedp.ByID),
			chromedp.Submit(`#phone_region`, chromedp.ByID),
			chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
		)
		if st, err := settings.NewStore(d).Get(context.Background()); err != nil || st.PhoneRegion != "GB" {
			t.Fatalf("settings %+v %v", st, err)
		}
		e.checkPhoneWidth(tab, "/admin/settings")
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/admin/settings"), chromedp.WaitVisible(`#phone_region`, chromedp.ByID))
		e.shot(tab, "settings-phone")
		e.checkProblems()
	})
}
