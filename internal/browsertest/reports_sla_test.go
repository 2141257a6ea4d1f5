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
	"github.com/centerdesk/centerdesk/internal/testutil/scale"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestReportsServiceLevel: over a month of a desk's history (tickets with
// their SLA clocks and survey answers), a lead reads the service level of
// each team against its goal, drawn as a dashed line; a point opens its
// tickets; CSAT and CES are drawn over time; reply times switch to
// business hours. On a desktop and on a phone.
func TestReportsServiceLevel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := time.Now().UTC()
		scale.Seed(t, d, scale.Options{Tickets: 1500, Answers: 400, Now: now, SLAClocks: true})
		e.person("lea@example.com", "Lea Lead", user.RoleLead)
		if err := report.NewService(d).Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		from := now.AddDate(0, 0, -20).Format(time.DateOnly)
		to := now.Format(time.DateOnly)
		span := "&time_zone=UTC&from=" + from + "&to=" + to
		path := "/reports?name=service_level&metric=first_reply&group_by=team" + span

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "lea@example.com")
		var goals []float64
		e.run(tab, "open the service level report", chromedp.Navigate(e.url+path), waitFor(chartDrawn),
			chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("report-chart")).getOption().series
				.map(s => s.markLine.data[0].yAxis)`, &goals))
		if len(goals) != 3 || goals[0] != 95 {
			t.Fatalf("goal lines %v", goals)
		}
		var cells string
		e.run(tab, "read the table", chromedp.Text(`.report-table tbody`, &cells, chromedp.ByQuery))
		if !strings.Contains(cells, "Billing") || !strings.Contains(cells, "95") {
			t.Errorf("table:\n%s", cells)
		}
		e.shot(tab, "reports-service-level-desktop")

		// Select the last point of the first team: its tickets are listed.
		var at []float64
		e.run(tab, "find a point", chromedp.Evaluate(`(() => {
			const el = document.getElementById("report-chart");
			const chart = echarts.getInstanceByDom(el);
			const data = JSON.parse(document.getElementById("report-chart-data").textContent).series[0].data;
			let i = data.length - 1;
			while (i > 0 && data[i] === null) i--;
			const p = chart.convertToPixel({ seriesIndex: 0 }, [i, data[i]]);
			const r = el.getBoundingClientRect();
			return [r.left + p[0], r.top + p[1]];
		})()`, &at))
		e.run(tab, "click it", chromedp.MouseClickXY(at[0], at[1]))
		e.waitPath(tab, "/reports/tickets")
		var list string
		e.run(tab, "read the tickets", chromedp.Text(`main`, &list, chromedp.ByQuery))
		if !strings.Contains(list, "Scale ticket") {
			t.Errorf("tickets behind the point:\n%s", list)
		}

		for _, name := range []string{report.CSAT, report.CES} {
			e.run(tab, name, chromedp.Navigate(e.url+"/reports?name="+name+"&interval=week&group_by=channel"+span),
				waitFor(chartDrawn))
			e.shot(tab, fmt.Sprintf("reports-%s-desktop", name))
		}

		// Reply times: the toggle switches to business hours.
		e.run(tab, "first reply times", chromedp.Navigate(e.url+"/reports?name=first_reply_time"+span), waitFor(chartDrawn),
			chromedp.Click(`input[name="hours"][value="business"]`, chromedp.ByQuery),
			chromedp.Click(`.report-filters button[type="submit"]`, chromedp.ByQuery))
		e.run(tab, "business hours shown", waitFor(`location.search.includes("hours=business") &&
			document.querySelector("main p.muted").textContent.includes("Business hours of each team")`), waitFor(chartDrawn))
		e.shot(tab, "reports-first-reply-business-desktop")

		e.checkPhoneWidth(tab, path)
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+path), waitFor(chartDrawn))
		e.shot(tab, "reports-service-level-phone")
		e.run(tab, "phone csat", chromedp.Navigate(e.url+"/reports?name=csat"+span), waitFor(chartDrawn))
		e.shot(tab, "reports-csat-phone")
		e.checkProblems()
	})
}
