package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/timezone"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestServiceLevelStory is issue 17's "done when" in Chromium: the admin
// sets the desk's business hours on the schedules page (and a policy, which
// has no page, through the API); the lead reads a late ticket's deadline
// explained on its page, watches the board turn orange in words and
// colour, adds "service level < 90% for 15 min" on the alerts page and
// gets one mail however often it is evaluated, reads on the board how many
// people the busy phone hours need, and downloads the report's CSV, which
// carries the numbers the chart draws. Desktop and a 390 px phone.
func TestServiceLevelStory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		mail := e.sendingMailbox()
		ada := e.person("ada@example.com", "Ada Admin", user.RoleAdmin)
		lea := e.person("lea@example.com", "Lea Lead", user.RoleLead)
		billing, err := team.NewService(d).Create(testutil.As(ada.ID), team.NewTeam{Name: "Billing", MemberIDs: []int64{lea.ID}})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		loc := pickableNoonZone(t, now)
		zone := loc.String()
		adminTok, leadTok := e.token(ada.ID), e.token(lea.ID)

		// History: busy phone hours at 15:00 and 16:00 of this weekday,
		// four weeks running; a ticket that has waited two hours.
		storyPhoneHistory(t, d, loc, now, 24)
		late := e.newTicket("Nobody answered me", "Hello? It has been hours.")
		e.toTeam(late.ID, billing.ID)
		for _, q := range []string{`UPDATE tickets SET created_at = $1 WHERE id = $2`, `UPDATE messages SET created_at = $1 WHERE ticket_id = $2`} {
			if _, err := d.Write().Exec(q, db.Time(now.Add(-2*time.Hour)), late.ID); err != nil {
				t.Fatal(err)
			}
		}

		// The admin: business hours on the page (the desk's zone setting
		// stays UTC; the schedule's zone is the desk's day), a policy.
		// The admin and the lead work in the desk's zone.
		admin := e.tab()
		e.run(admin, "be in the desk's zone", emulation.SetTimezoneOverride(zone))
		e.signIn(admin, ada.Email)
		var intervals []string
		for _, day := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
			intervals = append(intervals, day+" 08:00-20:00")
		}
		e.run(admin, "add the desk's business hours", chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(e.url+"/admin/schedules"), chromedp.WaitVisible(`#schedule-name`, chromedp.ByID),
			chromedp.SetValue(`#schedule-name`, "Desk hours", chromedp.ByID),
			chromedp.SetValue(`#schedule-zone`, zone, chromedp.ByID),
			chromedp.SetValue(`#schedule-intervals`, strings.Join(intervals, "\n"), chromedp.ByID),
			chromedp.Click(`input[name="default"]`, chromedp.ByQuery),
			chromedp.Click(`form[action="/admin/schedules"] button[type=submit]`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("Desk hours") && !document.querySelector("p.error")`))
		e.shot(admin, "story-business-hours")
		if code := e.apiJSON(adminTok, "POST", "/api/v1/sla-policies", `{"name": "Everyone", "position": 1,
			"targets": [{"metric": "first_reply", "minutes": 60, "business_hours": true}]}`, nil); code != http.StatusCreated {
			t.Fatalf("policy: %d", code)
		}
		// Six tickets answered at once: 6 met and 1 missed is 85.7%.
		for i := range 6 {
			tk := e.newTicket(fmt.Sprintf("Question %d", i+1), "A quick one.")
			e.toTeam(tk.ID, billing.ID)
			e.apiReply(leadTok, tk.ID, "Done.")
		}

		lead := e.tab()
		e.run(lead, "be in the desk's zone", emulation.SetTimezoneOverride(zone))
		e.signIn(lead, lea.Email)
		var explained string
		e.run(lead, "the late ticket's deadline, explained", chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, late.ID)),
			waitFor(`document.querySelector("#sla .sla-clock.sla-breached") !== null`),
			chromedp.Text(`#sla .sla-clock`, &explained, chromedp.ByQuery))
		if !containsFolded(explained, "1 business hour from") || !containsFolded(explained, "breached") {
			t.Errorf("the SLA panel says:\n%s", explained)
		}
		e.shot(lead, "story-ticket-deadline")

		level := fmt.Sprintf("ops-team-%d-first-reply", billing.ID)
		e.run(lead, "the board turns orange",
			chromedp.Navigate(e.url+"/ops"),
			waitFor(`(document.querySelector("#`+level+` .ops-level-verdict") || {}).textContent === "Orange: below goal"`),
			waitFor(`(document.querySelector("#`+level+` .ops-level-figure") || {}).textContent === "85.7%"`),
			waitFor(`document.getElementById("`+level+`").classList.contains("ops-orange")`),
			waitFor(`(document.querySelector("#ops-staffing-phone .ops-asks") || {textContent: ""}).textContent.includes("15:00–17:00")`),
			waitFor(opsChartDrawn))
		var colour, asks string
		var busy [][]string
		e.run(lead, "read the colour and the staffing",
			chromedp.Evaluate(`getComputedStyle(document.querySelector("#`+level+` .ops-dot")).backgroundColor`, &colour),
			chromedp.Text(`#ops-staffing-phone .ops-asks`, &asks, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll("#ops-staffing-phone tbody tr"))
				.map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))
				.filter(r => r[0] === "15:00" || r[0] === "16:00")`, &busy))
		// Columns: hour, expected in, needed, online, add.
		if len(busy) != 2 || busy[0][1] != "24.0" || busy[1][1] != "24.0" || busy[0][2] != busy[1][2] || busy[0][2] < "1" {
			t.Errorf("the busy hours on the board: %v", busy)
		}
		if colour == "" || colour == "rgba(0, 0, 0, 0)" {
			t.Errorf("the orange verdict has no coloured dot (%q)", colour)
		}
		if !strings.HasPrefix(strings.TrimSpace(asks), "Add ") {
			t.Errorf("the phone's staffing asks %q", asks)
		}
		t.Logf("the board asks: %s", strings.TrimSpace(asks))
		e.shot(lead, "story-ops-orange-desktop")

		// The rule, on the alerts page.
		e.run(lead, "add the rule", chromedp.Navigate(e.url+"/admin/alerts"), chromedp.WaitVisible(`#rule-name`, chromedp.ByID),
			chromedp.SetValue(`#rule-name`, "Billing answers late", chromedp.ByID),
			chromedp.SetValue(`#rule-metric`, "service_level", chromedp.ByID),
			chromedp.SetValue(`#rule-op`, "<", chromedp.ByID),
			chromedp.SetValue(`#rule-threshold`, "90", chromedp.ByID),
			chromedp.SetValue(`#rule-duration`, "15", chromedp.ByID),
			chromedp.SetValue(`#rule-team`, fmt.Sprint(billing.ID), chromedp.ByID),
			chromedp.SetValue(`#rule-emails`, "lea@example.com", chromedp.ByID),
			chromedp.Click(`.rule-form button[type=submit]`, chromedp.ByQuery),
			waitFor(`document.querySelector(".alert-rule .alert-state") !== null`))
		// Evaluated minute by minute on a clock the test moves: quiet for
		// 14 minutes, firing at 15, and still one mail at 16, 20 and 30.
		at := testutil.NewClock(time.Now().Add(time.Second))
		ev := storyEvaluator(t, e, at.Now)
		for _, step := range []struct {
			after time.Duration
			want  string
		}{{0, alert.StatePending}, {14 * time.Minute, alert.StatePending}, {time.Minute, alert.StateFiring},
			{time.Minute, alert.StateFiring}, {4 * time.Minute, alert.StateFiring}, {10 * time.Minute, alert.StateFiring}} {
			at.Add(step.after)
			if err := ev.Evaluate(ctx); err != nil {
				t.Fatal(err)
			}
			var rules struct{ Items []struct{ State string } }
			e.apiJSON(leadTok, "GET", "/api/v1/alert-rules", "", &rules)
			if len(rules.Items) != 1 || rules.Items[0].State != step.want {
				t.Fatalf("after %v: %+v, want %s", step.after, rules.Items, step.want)
			}
		}
		mail.waitFor(t, "Billing answers late")
		storyWaitNoMailQueued(t, d)
		if n := mail.count("Billing answers late"); n != 1 {
			t.Errorf("%d alert mails, want one", n)
		}
		var rule string
		e.run(lead, "the rule fires on the page", chromedp.Reload(),
			waitFor(`document.querySelector(".alert-rule.state-firing")`),
			chromedp.Text(`.alert-rule`, &rule, chromedp.ByQuery))
		for _, want := range []string{"Firing", "service_level < 90% for 15 min", "team Billing", "85.7%"} {
			if !containsFolded(rule, want) {
				t.Errorf("the firing rule lacks %q:\n%s", want, rule)
			}
		}
		e.shot(lead, "story-alert-firing")

		// The report: the chart, the data the page hands it and the CSV it
		// offers are the API's numbers.
		today := now.In(loc).Format(time.DateOnly)
		q := "from=" + today + "&to=" + today + "&metric=first_reply&group_by=team&time_zone=" + url.QueryEscape(zone)
		var res report.Result
		deadline := time.Now().Add(30 * time.Second)
		for !storyBillingRow(res, billing.ID) {
			if time.Now().After(deadline) {
				t.Fatalf("the report never counted 6 met and 1 missed: %+v", res.Rows)
			}
			res = report.Result{}
			e.apiJSON(leadTok, "GET", "/api/v1/reports/service_level?"+q, "", &res)
		}
		var pageData, csvText string
		var drawn [][]*float64
		e.run(lead, "open the report and download its CSV", chromedp.Navigate(e.url+"/reports?name=service_level&"+q),
			waitFor(chartDrawn),
			chromedp.Evaluate(`document.getElementById("report-chart-data").textContent`, &pageData),
			chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("report-chart")).getOption().series.map(s => s.data)`, &drawn),
			chromedp.Evaluate(`fetch(document.querySelector("a[download]").href).then(r => r.text())`, &csvText,
				func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		e.shot(lead, "story-report-desktop")
		var chart report.Chart
		if err := json.Unmarshal([]byte(pageData), &chart); err != nil {
			t.Fatal(err)
		}
		if err := report.SameNumbers(res, []byte(csvText), chart); err != nil {
			t.Errorf("the report's JSON, CSV and chart differ: %v\nCSV:\n%s", err, csvText)
		}
		var handed [][]*float64
		for _, s := range chart.Series {
			handed = append(handed, s.Data)
		}
		if !slices.EqualFunc(drawn, handed, func(a, b []*float64) bool { return fmt.Sprint(deref(a)) == fmt.Sprint(deref(b)) }) {
			t.Errorf("drawn %v, handed %v", deref2(drawn), deref2(handed))
		}
		if !strings.Contains(csvText, "85.71") {
			t.Errorf("the CSV lacks 85.71:\n%s", csvText)
		}

		// The same on a phone.
		e.run(lead, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, late.ID)),
			waitFor(`document.querySelector("#sla .sla-clock.sla-breached") !== null`))
		e.shot(lead, "story-ticket-deadline-phone")
		e.run(lead, "phone board", chromedp.Navigate(e.url+"/ops"), waitFor(opsChartDrawn),
			waitFor(`(document.querySelector("#`+level+` .ops-level-verdict") || {}).textContent === "Orange: below goal"`))
		e.shot(lead, "story-ops-orange-phone")
		e.run(lead, "phone staffing", chromedp.ScrollIntoView(`#ops-staffing-phone`, chromedp.ByID))
		e.shot(lead, "story-ops-staffing-phone")
		e.run(lead, "phone alerts", chromedp.Navigate(e.url+"/admin/alerts"), waitFor(`document.querySelector(".alert-rule.state-firing")`))
		e.shot(lead, "story-alert-firing-phone")
		var wide string
		e.run(lead, "phone report", chromedp.Navigate(e.url+"/reports?name=service_level&"+q), waitFor(chartDrawn),
			chromedp.Evaluate(tooWide, &wide))
		e.shot(lead, "story-report-phone")
		if wide != "" {
			t.Errorf("the report scrolls sideways at 390 px; too wide: %s", wide)
		}
		e.checkWidths(lead, []string{fmt.Sprintf("/tickets/%d", late.ID), "/ops", "/admin/alerts"})
		e.checkProblems()
	})
}

// toTeam puts a ticket in a team, as a triage rule would.
func (e *env) toTeam(ticketID, teamID int64) {
	e.t.Helper()
	if _, err := ticket.NewService(e.d).Update(context.Background(), ticketID, ticket.Patch{TeamID: ticket.SetID(&teamID)}); err != nil {
		e.t.Fatal(err)
	}
}

// pickableNoonZone is a zone of the schedule page's list where it is
// between 12:00 and 13:00 at now, with the same offset over the last 29
// days and the next day: the desk's day then holds the last two hours and
// the next eight, and its weekday hours of the last weeks are plain.
func pickableNoonZone(t *testing.T, now time.Time) *time.Location {
	t.Helper()
	for _, name := range timezone.Names() {
		loc, err := time.LoadLocation(name)
		if err != nil || now.In(loc).Hour() != 12 {
			continue
		}
		_, off := now.In(loc).Zone()
		steady := true
		for day := -29; day <= 1 && steady; day++ {
			_, o := now.AddDate(0, 0, day).In(loc).Zone()
			steady = o == off
		}
		if steady {
			return loc
		}
	}
	t.Fatalf("no zone of the list is at noon at %v", now)
	return nil
}

// storyPhoneHistory writes perHour phone calls into 15:00 and 16:00 of
// this weekday in each of the last four weeks, each solved in five
// minutes, and rebuilds the report roll-up from them.
func storyPhoneHistory(t *testing.T, d *db.DB, loc *time.Location, now time.Time, perHour int) {
	t.Helper()
	ctx := context.Background()
	tickets := ticket.NewService(d)
	local := now.In(loc)
	for week := 1; week <= 4; week++ {
		day := local.AddDate(0, 0, -7*week)
		for _, hour := range []int{15, 16} {
			for i := range perHour {
				tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Call", Body: "A call.", Channel: "phone",
					Requester: ticket.Requester{Email: fmt.Sprintf("caller%d@customer.test", i)}})
				if err != nil {
					t.Fatal(err)
				}
				at := time.Date(day.Year(), day.Month(), day.Day(), hour, i*60/perHour, 0, 0, loc)
				if _, err := d.Write().Exec(`UPDATE tickets SET status = 'solved', created_at = $1, updated_at = $2,
					first_reply_at = $2, solved_at = $2 WHERE id = $3`, db.Time(at), db.Time(at.Add(5*time.Minute)), tk.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := report.NewService(d).Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
}

func storyBillingRow(res report.Result, teamID int64) bool {
	for _, row := range res.Rows {
		if row.GroupKey == fmt.Sprint(teamID) && row.Values["met"] == 6 && row.Values["missed"] == 1 {
			return true
		}
	}
	return false
}

// storyWaitNoMailQueued waits until no alert mail is waiting to be sent.
func storyWaitNoMailQueued(t *testing.T, d *db.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state <> 'done'`, alert.KindEmail).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d alert mails still queued", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// count is how many mails caught hold want.
func (c *mailCatcher) count(want string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, text := range c.texts {
		if strings.Contains(text, want) {
			n++
		}
	}
	return n
}

// storyEvaluator is evaluator on the test's clock: a second node's
// evaluation, whose mail the running server's job queue sends.
func storyEvaluator(t *testing.T, e *env, now func() time.Time) *alert.Service {
	t.Helper()
	queue := jobs.New(e.d, testutil.Logger(t), jobs.Options{})
	levels := sla.New(e.d, nil, sla.Options{Now: now})
	surveys := feedback.New(e.d, queue, nil, []byte("0123456789abcdef0123456789abcdef"), testutil.Logger(t), feedback.Options{})
	return alert.New(e.d, queue, nil, e.box, alert.Sources{SLA: levels, Feedback: surveys, Tickets: ticket.NewService(e.d),
		Settings: settings.NewStore(e.d)}, testutil.Logger(t), alert.Options{Egress: egress.New(egress.Options{}), Now: now})
}

func deref(xs []*float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		if x != nil {
			out[i] = *x
		}
	}
	return out
}

func deref2(xss [][]*float64) [][]any {
	var out [][]any
	for _, xs := range xss {
		out = append(out, deref(xs))
	}
	return out
}
