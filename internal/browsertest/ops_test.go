package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// opsChartDrawn is true once ECharts has drawn every card's arrivals chart
// with some ink on its canvas.
const opsChartDrawn = `(() => {
	const els = Array.from(document.querySelectorAll(".ops-chart"));
	return els.length > 0 && window.echarts && els.every(el => {
		const c = el.querySelector("canvas");
		if (!c || !echarts.getInstanceByDom(el)) return false;
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
		let ink = 0;
		for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
		return ink > 500;
	});
})()`

// figureIs is true when the element with id reads text.
func figureIs(id, text string) string {
	return fmt.Sprintf(`(document.getElementById(%q) || {}).textContent === %q`, id, text)
}

// TestOpsBoard: a lead opens the board; it shows the team's backlog, its
// service level in words as well as colour, and draws the arrivals. A
// ticket created through the API reaches the open board over server-sent
// events, without a reload. The board fits a phone, and the wall screen
// (kiosk) has no navigation.
func TestOpsBoard(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.person("lea@example.com", "Lea Lead", user.RoleLead)
		tm, err := team.NewService(d).Create(testutil.As(lea.ID), team.NewTeam{Name: "Billing", MemberIDs: []int64{lea.ID}})
		if err != nil {
			t.Fatal(err)
		}
		tk := e.newTicket("Charged twice", "My card was charged twice.")
		if _, err := ticket.NewService(d).Update(context.Background(), tk.ID, ticket.Patch{TeamID: ticket.SetID(&tm.ID)}); err != nil {
			t.Fatal(err)
		}
		team := "ops-team-" + strconv.FormatInt(tm.ID, 10)
		// The desk's day in a zone where it is about noon, so that a first
		// reply due within the hour is due today whenever the test runs; a
		// policy gives the waiting ticket its clock, and a reply meets it.
		admin := e.token(e.person("ada@example.com", "Ada Admin", user.RoleAdmin).ID)
		for _, call := range []struct{ path, body string }{
			{"/api/v1/schedules", fmt.Sprintf(`{"name": "Desk", "time_zone": %q, "default": true,
				"intervals": [{"day": "mon", "start": "09:00", "end": "17:00"}]}`, noonZone(time.Now()))},
			{"/api/v1/sla-policies", `{"name": "Everyone", "position": 1,
				"targets": [{"metric": "first_reply", "minutes": 60, "business_hours": false}]}`},
		} {
			if code := e.apiJSON(admin, "POST", call.path, call.body, nil); code != http.StatusCreated {
				t.Fatalf("POST %s: %d", call.path, code)
			}
		}
		e.apiReply(admin, tk.ID, "Refunded the second charge.")

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 900))
		e.signIn(tab, "lea@example.com")
		e.run(tab, "open the board",
			chromedp.Navigate(e.url+"/ops"),
			waitFor(figureIs(team+"-unsolved", "1")),
			waitFor(figureIs("ops-desk-unsolved", "1")),
			waitFor(opsChartDrawn),
			// The stream is open: the page says it is live.
			waitFor(`!document.getElementById("ops-live").hidden`),
			// The reply met the clock (the clocks follow events a moment
			// after them; the stream brings the change).
			waitFor(`document.querySelector("#`+team+`-first-reply .ops-level-verdict").textContent === "Green: on goal"`),
			waitFor(`document.querySelector("#`+team+`-first-reply .ops-level-figure").textContent === "100.0%"`),
			// A condition, not a read: the stream may swap the cards between
			// finding the node and reading its text.
			waitFor(`document.querySelector("#`+team+`-resolution .ops-level-verdict").textContent === "Grey: nothing due yet"`),
		)
		e.shot(tab, "ops-desktop")

		token := e.token(lea.ID)
		var created struct {
			ID int64 `json:"id"`
		}
		body := `{"subject": "Lost password", "body": "I cannot sign in.", "channel": "email",
			"requester": {"email": "dan@example.com"}}`
		start := time.Now()
		if code := e.apiJSON(token, "POST", "/api/v1/tickets", body, &created); code != http.StatusCreated {
			t.Fatalf("create a ticket through the API: %d", code)
		}
		e.run(tab, "the board shows the new ticket live", waitFor(figureIs("ops-desk-unsolved", "2")),
			waitFor(opsChartDrawn))
		t.Logf("the board showed the new ticket %v after it was created", time.Since(start).Round(100*time.Millisecond))
		var path string
		e.run(tab, "still the same page", chromedp.Evaluate(`location.pathname + location.search`, &path))
		if path != "/ops" {
			t.Errorf("the page navigated to %s", path)
		}
		e.shot(tab, "ops-desktop-live")

		e.checkPhoneWidth(tab, "/ops")
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/ops"), waitFor(opsChartDrawn))
		e.shot(tab, "ops-phone")

		var nav int
		e.run(tab, "wall screen", chromedp.EmulateViewport(1920, 1080),
			chromedp.Navigate(e.url+"/ops?kiosk=1"), waitFor(opsChartDrawn),
			waitFor(figureIs("ops-desk-unsolved", "2")),
			chromedp.Evaluate(`document.querySelectorAll("nav, .top").length`, &nav))
		if nav != 0 {
			t.Errorf("the kiosk shows %d navigation elements", nav)
		}
		e.shot(tab, "ops-kiosk")
		e.checkProblems()
	})
}

// noonZone is an IANA zone of whole hours (Etc/GMT-N is N hours east)
// where it is between 12:00 and 13:00 at now.
func noonZone(now time.Time) string {
	east := 12 - now.UTC().Hour()
	switch {
	case east == 0:
		return "Etc/UTC"
	case east > 0:
		return fmt.Sprintf("Etc/GMT-%d", east)
	}
	return fmt.Sprintf("Etc/GMT+%d", -east)
}
