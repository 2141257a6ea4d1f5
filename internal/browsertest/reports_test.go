package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// chartDrawn is JavaScript that is true once ECharts has drawn the report
// chart with some ink on its canvas (not a blank box).
const chartDrawn = `(() => {
	const el = document.getElementById("report-chart");
	const c = el && el.querySelector("canvas");
	if (!c || !window.echarts || !echarts.getInstanceByDom(el)) return false;
	const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let ink = 0;
	for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
	return ink > 2000;
})()`

// TestReportsPageDrawsCharts: a lead opens the volume report by channel;
// ECharts draws what the page's data says (the numbers the API and the
// CSV give, see internal/web/reports), on a desktop and on a phone, and a
// bar opens the tickets behind it.
func TestReportsPageDrawsCharts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.person("lea@example.com", "Lea Lead", user.RoleLead)
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
		from := today.AddDate(0, 0, -6).Format(time.DateOnly)
		to := today.Format(time.DateOnly)
		path := "/reports?name=volume&group_by=channel&time_zone=UTC&from=" + from + "&to=" + to

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "lea@example.com")
		var created []float64
		e.run(tab, "open the volume report",
			chromedp.Navigate(e.url+path),
			waitFor(chartDrawn),
			chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("report-chart")).getOption().series[0].data`, &created),
		)
		var fromPage []float64
		e.run(tab, "the data the page handed over",
			chromedp.Evaluate(`JSON.parse(document.getElementById("report-chart-data").textContent).series[0].data`, &fromPage))
		if len(created) != 7 || fmt.Sprint(created) != fmt.Sprint(fromPage) || sum(created) != 9 {
			t.Fatalf("chart series %v, page data %v", created, fromPage)
		}
		e.shot(tab, "reports-volume-desktop")
		e.run(tab, "first reply times", chromedp.Navigate(e.url+"/reports?name=first_reply_time&time_zone=UTC&from="+from+"&to="+to),
			waitFor(chartDrawn))
		e.shot(tab, "reports-first-reply-desktop")

		// Select today's bar: its tickets are listed.
		e.run(tab, "back to volume", chromedp.Navigate(e.url+path), waitFor(chartDrawn))
		var at []float64
		e.run(tab, "find today's bar", chromedp.Evaluate(`(() => {
			const el = document.getElementById("report-chart");
			const chart = echarts.getInstanceByDom(el);
			const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(6);
			const r = el.getBoundingClientRect();
			return [r.left + bar.x + bar.width / 2, r.top + bar.y + bar.height / 2];
		})()`, &at))
		e.run(tab, "click it", chromedp.MouseClickXY(at[0], at[1]))
		e.waitPath(tab, "/reports/tickets")
		var list string
		e.run(tab, "read the tickets", chromedp.Text(`main`, &list, chromedp.ByQuery))
		if !strings.Contains(list, "Kettle 0") || !strings.Contains(list, "Kettle 5") || strings.Contains(list, "Kettle 2") {
			t.Errorf("today's tickets:\n%s", list)
		}

		e.checkPhoneWidth(tab, path)
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+path), waitFor(chartDrawn))
		e.shot(tab, "reports-volume-phone")
		e.checkProblems()
	})
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// TestSurveyWordCloudDrawsWithECharts: three answers to the team survey
// draw a word cloud with ECharts' extension; the list of words stays for
// screen readers.
func TestSurveyWordCloudDrawsWithECharts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.person("lea@example.com", "Lea Lead", user.RoleLead)
		q := quality.NewService(d)
		s, err := q.CreateSurvey(testutil.As(lea.ID), lea, quality.NewSurvey{})
		if err != nil {
			t.Fatal(err)
		}
		for i, answer := range []string{"Helpful, kind and fast", "Kind people who listen", "Fast answers, helpful people",
			"Honest and kind"} {
			who := lea
			if i > 0 {
				who = e.agent(fmt.Sprintf("a%d@example.com", i), fmt.Sprintf("Agent %d", i))
			}
			if err := q.Answer(testutil.As(who.ID), who, s.ID, answer); err != nil {
				t.Fatal(err)
			}
		}
		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "lea@example.com")
		cloudDrawn := `(() => {
			const el = document.getElementById("word-cloud-chart");
			const c = el && !el.hidden && el.querySelector("canvas");
			if (!c) return false;
			const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			let ink = 0;
			for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
			return ink > 500 && document.getElementById("word-cloud-list").classList.contains("visually-hidden");
		})()`
		e.run(tab, "open the survey", chromedp.Navigate(e.url+"/surveys/"+itoa(s.ID)), waitFor(cloudDrawn))
		e.shot(tab, "survey-cloud-desktop")
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/surveys/"+itoa(s.ID)), waitFor(cloudDrawn))
		e.shot(tab, "survey-cloud-phone")
		e.checkProblems()
	})
}
