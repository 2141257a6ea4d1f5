package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestServiceGoalsPage: an admin sees today's level of each team coloured
// against its goal, is told which field is wrong, sets a team's goal and
// sees the colour change; the page fits a phone.
func TestServiceGoalsPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		admin, err := e.users.Create(ctx, user.NewUser{Email: "ada.admin@example.com", Name: "Ada Admin",
			Role: "admin", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		as := testutil.As(admin.ID)
		tickets := ticket.NewService(d)
		// Billing met 3 of 5 first replies today (60%, red); Returns all 4.
		teams := map[string]int64{}
		outcome := map[int64]string{}
		for name, outcomes := range map[string][]string{
			"Billing": {"fulfilled", "fulfilled", "fulfilled", "breached", "breached"},
			"Returns": {"fulfilled", "fulfilled", "fulfilled", "fulfilled"},
		} {
			tm, err := team.NewService(d).Create(as, team.NewTeam{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			teams[name] = tm.ID
			for _, state := range outcomes {
				tk, err := tickets.Create(as, ticket.NewTicket{Subject: "Refund", Body: "Please",
					Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tickets.Update(as, tk.ID, ticket.Patch{TeamID: ticket.SetID(&tm.ID)}); err != nil {
					t.Fatal(err)
				}
				outcome[tk.ID] = state
			}
		}
		if _, err := sla.New(d, nil, sla.Options{}).CreatePolicy(as, sla.NewPolicy{Name: "Everyone",
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 240}}}); err != nil {
			t.Fatal(err)
		}
		// The policy targeted every open ticket; their clocks end as told,
		// due now.
		for id, state := range outcome {
			if _, err := d.Write().Exec(`UPDATE sla_clocks SET state = $1, due_at = $2 WHERE ticket_id = $3`,
				state, db.Time(time.Now()), id); err != nil {
				t.Fatal(err)
			}
		}

		tab := e.tab()
		e.signIn(tab, admin.Email)
		billing := fmt.Sprintf("#team-%d", teams["Billing"])
		colourOf := func(row string) string {
			return `document.querySelector("` + row + ` .level").dataset.colour`
		}
		var colour string
		e.run(tab, "goals page",
			chromedp.EmulateViewport(1366, 900),
			chromedp.Navigate(e.url+"/admin/service-goals"),
			waitFor(`document.querySelector("`+billing+`") !== null`),
			chromedp.Evaluate(colourOf(billing), &colour),
		)
		e.shot(tab, "1366-goals")
		if colour != sla.Red {
			t.Errorf("Billing at 60%% against 95%% is %q, want red", colour)
		}
		e.run(tab, "a wrong threshold",
			chromedp.SetValue(billing+` input[name="goal_percent"]`, "90", chromedp.ByQuery),
			chromedp.SetValue(billing+` input[name="orange_percent"]`, "95", chromedp.ByQuery),
			chromedp.Click(billing+` .goal-form button`, chromedp.ByQuery),
			waitFor(`(document.querySelector("#goal-error") || {}).textContent?.includes("orange_percent")`),
		)
		e.shot(tab, "1366-goals-error")
		e.run(tab, "a goal of 50%",
			chromedp.SetValue(billing+` input[name="goal_percent"]`, "50", chromedp.ByQuery),
			chromedp.SetValue(billing+` input[name="orange_percent"]`, "40", chromedp.ByQuery),
			chromedp.Click(billing+` .goal-form button`, chromedp.ByQuery),
			waitFor(`document.querySelector("#goal-error") === null && `+colourOf(billing)+` === "green"`),
		)
		var wide string
		e.run(tab, "phone",
			chromedp.EmulateViewport(390, 844),
			chromedp.Reload(),
			waitFor(`document.querySelector("`+billing+`") !== null`),
			chromedp.Evaluate(tooWide, &wide),
		)
		e.shot(tab, "390-goals")
		if wide != "" {
			t.Errorf("/admin/service-goals scrolls sideways at 390 px; too wide: %s", wide)
		}
		// One's own page shows one's service figures beside the desk's.
		e.run(tab, "own service figures",
			chromedp.Navigate(e.url+"/me"),
			waitFor(`document.querySelector("#service-figures") !== null`),
			chromedp.Evaluate(tooWide, &wide),
		)
		e.shot(tab, "390-own-service")
		if wide != "" {
			t.Errorf("the agent page scrolls sideways at 390 px; too wide: %s", wide)
		}
		e.run(tab, "own service figures on a desktop", chromedp.EmulateViewport(1366, 900), chromedp.Reload(),
			waitFor(`document.querySelector("#service-figures") !== null`))
		e.shot(tab, "1366-own-service")
		e.checkProblems()
	})
}
