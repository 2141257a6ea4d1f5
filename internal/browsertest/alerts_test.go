package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestAlertsPage: a lead adds a backlog rule through the form (a bad
// threshold is named first), sees it fire in red with words, acknowledges
// and silences it, reads its history, and the pages fit a phone.
func TestAlertsPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		lead, err := e.users.Create(ctx, user.NewUser{Email: "lena.lead@example.com", Name: "Lena Lead",
			Role: "lead", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		billing, err := team.NewService(d).Create(testutil.As(lead.ID), team.NewTeam{Name: "Billing", MemberIDs: []int64{lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		tab := e.tab()
		e.signIn(tab, lead.Email)
		e.requirePage(lead.Email, "/admin/alerts", "alerts")
		e.run(tab, "empty alerts page", chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(e.url+"/admin/alerts"), chromedp.WaitVisible(`#rule-name`, chromedp.ByID))
		e.shot(tab, "empty")

		fill := func(threshold string) {
			e.run(tab, "fill the rule form",
				chromedp.SetValue(`#rule-name`, "Billing backlog", chromedp.ByID),
				chromedp.SetValue(`#rule-metric`, "backlog", chromedp.ByID),
				chromedp.SetValue(`#rule-op`, ">", chromedp.ByID),
				chromedp.SetValue(`#rule-threshold`, threshold, chromedp.ByID),
				chromedp.SetValue(`#rule-duration`, "0", chromedp.ByID),
				chromedp.SetValue(`#rule-team`, fmt.Sprint(billing.ID), chromedp.ByID),
				chromedp.SetValue(`#rule-emails`, "ops@example.com", chromedp.ByID),
				chromedp.Click(`.rule-form button[type=submit]`, chromedp.ByQuery),
			)
		}
		fill("lots")
		e.run(tab, "the bad threshold is named", waitFor(`document.querySelector("p.error") &&
			document.querySelector("p.error").textContent.includes("threshold")`))
		e.shot(tab, "bad-threshold")
		fill("2")
		e.run(tab, "the rule is listed", waitFor(`document.querySelector(".alert-rule .alert-state") &&
			document.querySelector(".alert-rule .alert-state").textContent.trim() === "OK"`))

		for range 3 {
			if _, err := ticket.NewService(d).Create(testutil.As(lead.ID), ticket.NewTicket{Subject: "Refund", Body: "Please",
				Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Write().Exec(`UPDATE tickets SET team_id = $1`, billing.ID); err != nil {
			t.Fatal(err)
		}
		// An evaluation now, rather than at the server's next minute: the
		// same service over the same database, as a second node would run.
		if err := evaluator(t, e).Evaluate(ctx); err != nil {
			t.Fatal(err)
		}
		var text string
		e.run(tab, "the rule fires", chromedp.Reload(),
			waitFor(`document.querySelector(".alert-rule.state-firing")`),
			chromedp.Text(`.alert-rule`, &text, chromedp.ByQuery))
		e.shot(tab, "firing")
		for _, want := range []string{"Firing", "backlog > 2", "team Billing", "Now 3", "the leads, ops@example.com"} {
			if !containsFolded(text, want) {
				t.Errorf("the firing rule lacks %q:\n%s", want, text)
			}
		}
		e.run(tab, "acknowledge", chromedp.Click(`.alert-rule form[action$="/ack"] button`, chromedp.ByQuery),
			waitFor(`document.querySelector(".alert-facts") && document.querySelector(".alert-facts").textContent.includes("by Lena Lead")`))
		e.run(tab, "silence for 4 hours", chromedp.SetValue(`.silence-form select`, "240", chromedp.ByQuery),
			chromedp.Click(`.silence-form button`, chromedp.ByQuery),
			waitFor(`document.querySelector(".alert-flag") && document.querySelector(".alert-flag").textContent.includes("Silenced until")`))
		e.shot(tab, "acknowledged-silenced")
		var notes int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND kind = 'alert'`, lead.ID).Scan(&notes); err != nil || notes != 1 {
			t.Fatalf("the lead has %d alert notifications (%v)", notes, err)
		}

		var ruleID int64
		if err := d.Read().QueryRow(`SELECT id FROM alert_rules`).Scan(&ruleID); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/alerts/%d", ruleID)
		e.run(tab, "the rule's history", chromedp.Navigate(e.url+path),
			waitFor(`document.querySelector("table.stack tbody") && document.querySelector("table.stack tbody").textContent.includes("Firing")`))
		e.shot(tab, "history")
		e.checkWidths(tab, []string{"/admin/alerts", path})
		e.checkProblems()
	})
}

// evaluator is an alert service over the test's database, wired as the
// server wires its own.
func evaluator(t *testing.T, e *env) *alert.Service {
	t.Helper()
	queue := jobs.New(e.d, testutil.Logger(t), jobs.Options{})
	levels := sla.New(e.d, nil, sla.Options{})
	surveys := feedback.New(e.d, queue, nil, []byte("0123456789abcdef0123456789abcdef"), testutil.Logger(t), feedback.Options{})
	return alert.New(e.d, queue, nil, e.box, alert.Sources{SLA: levels, Feedback: surveys, Tickets: ticket.NewService(e.d),
		Settings: settings.NewStore(e.d)}, testutil.Logger(t), alert.Options{Egress: egress.New(egress.Options{})})
}

// containsFolded reports whether text holds want, runs of white space
// taken as one space.
func containsFolded(text, want string) bool {
	return strings.Contains(strings.Join(strings.Fields(text), " "), want)
}
