package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// widgetDrawn is JavaScript that is true once ECharts has drawn widget n
// with some ink on its canvas.
func widgetDrawn(n int) string {
	return fmt.Sprintf(`(() => {
	const el = document.getElementById("widget-%d-chart");
	const c = el && el.querySelector("canvas");
	if (!c || !window.echarts || !echarts.getInstanceByDom(el)) return false;
	const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let ink = 0;
	for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
	return ink > 2000;
})()`, n)
}

// TestDashboards: a lead composes a dashboard in the form (two widgets,
// the second moved up), shares it with everyone and has it emailed every
// Monday; ECharts draws each widget from the numbers the page carries; an
// agent opens it on a phone.
func TestDashboards(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.person("lea@example.com", "Lea Lead", user.RoleLead)
		e.person("abe@example.com", "Abe Agent", user.RoleAgent)
		today := time.Now().UTC()
		for i := range 9 {
			tk := e.newTicket(fmt.Sprintf("Kettle %d", i), "It stopped heating.")
			created := today.AddDate(0, 0, -(i % 5)).Add(-time.Duration(i) * time.Minute)
			reply, solved := created.Add(time.Duration(i+1)*25*time.Minute), created.Add(time.Duration(i+2)*3*time.Hour)
			if _, err := d.Write().Exec(`UPDATE tickets SET created_at = $1, first_reply_at = $2, solved_at = $3, status = 'solved' WHERE id = $4`,
				db.Time(created), db.Time(reply), db.Time(solved), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := report.NewService(d).Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.requirePage("lea@example.com", "/dashboards/new", "dashboards")

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 900))
		e.signIn(tab, "lea@example.com")
		e.run(tab, "the new dashboard form",
			chromedp.Navigate(e.url+"/dashboards/new"),
			chromedp.WaitVisible(`#name`, chromedp.ByID),
			chromedp.SendKeys(`#name`, "Kettle week", chromedp.ByID),
			chromedp.Click(`input[name="shared_with"][value="everyone"]`, chromedp.ByQuery),
			chromedp.SetValue(`#report_new`, "volume", chromedp.ByID),
			chromedp.SetValue(`#range_new`, "last_7_days", chromedp.ByID),
			chromedp.SetValue(`#chart_new`, "bar", chromedp.ByID),
			chromedp.SetValue(`#size_new`, "full", chromedp.ByID),
			chromedp.Click(`button[value="add"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#row-0`, chromedp.ByID),
		)
		e.run(tab, "a second widget, saved",
			chromedp.SetValue(`#report_new`, "first_reply_time", chromedp.ByID),
			chromedp.SetValue(`#group_by_new`, "channel", chromedp.ByID),
			chromedp.Click(`.widget-new button[value="add"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#row-1`, chromedp.ByID),
		)
		e.shot(tab, "edit-desktop")
		e.run(tab, "save", chromedp.Click(`button.primary[value="save"]`, chromedp.ByQuery))
		e.run(tab, "the dashboard", waitFor(widgetDrawn(0)), waitFor(widgetDrawn(1)))
		var path string
		e.run(tab, "where", chromedp.Evaluate(`location.pathname`, &path))

		// Move the first reply times up, through the form.
		e.run(tab, "edit", chromedp.Navigate(e.url+path+"/edit"), chromedp.WaitVisible(`#row-1`, chromedp.ByID))
		var first string
		e.run(tab, "the order before", chromedp.Text(`#row-0 h3`, &first, chromedp.ByQuery))
		if first != "Volume" {
			t.Fatalf("first widget: %q", first)
		}
		e.run(tab, "move it up", chromedp.Click(`button[value="up:1"]`, chromedp.ByQuery),
			waitFor(`(document.querySelector("#row-0 h3") || {}).textContent === "First reply time"`))
		e.run(tab, "back", chromedp.Navigate(e.url+path), waitFor(widgetDrawn(0)), waitFor(widgetDrawn(1)))
		var drawn, carried []float64
		e.run(tab, "the bars drawn and the page's numbers",
			chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("widget-1-chart")).getOption().series[0].data`, &drawn),
			chromedp.Evaluate(`JSON.parse(document.getElementById("widget-1-data").textContent).series[0].data`, &carried))
		if len(drawn) != 7 || fmt.Sprint(drawn) != fmt.Sprint(carried) || sum(drawn) != 9 {
			t.Fatalf("drawn %v, carried %v", drawn, carried)
		}
		e.run(tab, "email me on Mondays",
			chromedp.SetValue(`#frequency`, "weekly", chromedp.ByID),
			chromedp.SetValue(`#weekday`, "mon", chromedp.ByID),
			chromedp.SetValue(`#hour`, "7", chromedp.ByID),
			chromedp.Click(`#email button.primary`, chromedp.ByQuery),
			waitFor(`document.querySelector("#email") && document.querySelector("#email").textContent.includes("Every Monday at 07:00")`),
			waitFor(widgetDrawn(0)))
		e.shot(tab, "dashboard-desktop")
		e.checkPhoneWidth(tab, "/dashboards", path+"/edit")
		e.run(tab, "the form on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+path+"/edit"), chromedp.WaitVisible(`#row-1`, chromedp.ByID))
		e.shot(tab, "edit-phone")

		agent := e.tab()
		e.signIn(agent, "abe@example.com")
		e.checkPhoneWidth(agent, "/dashboards", path)
		e.run(agent, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+path), waitFor(widgetDrawn(0)), waitFor(widgetDrawn(1)))
		var page string
		e.run(agent, "read", chromedp.Text(`main`, &page, chromedp.ByQuery))
		if !strings.Contains(page, "Kettle week") || strings.Contains(page, "Edit") {
			t.Errorf("the agent's page:\n%s", page)
		}
		e.shot(agent, "dashboard-phone")
		e.run(agent, "the list", chromedp.Navigate(e.url+"/dashboards"), chromedp.WaitVisible(`.dash-list`, chromedp.ByQuery))
		e.shot(agent, "list-phone")
		e.checkProblems()
	})
}
