package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestBusinessHoursAndTheSLAPanelFitAPhone: the schedule pages and a
// ticket's SLA panel, explained in business hours, do not scroll sideways
// at 390 px.
func TestBusinessHoursAndTheSLAPanelFitAPhone(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		admin, err := e.users.Create(ctx, user.NewUser{Email: "ada.admin@example.com", Name: "Ada Admin",
			Role: "admin", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		asAdmin := testutil.As(admin.ID)
		var week []schedule.Interval
		for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
			week = append(week, schedule.Interval{Day: day, Start: "09:00", End: "17:00"})
		}
		sc, err := schedule.NewService(d).Create(asAdmin, schedule.NewSchedule{Name: "London office",
			TimeZone: "Europe/London", Intervals: week, Holidays: []string{"2026-12-24", "2026-12-25"}, Default: true})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := ticket.NewService(d).Create(ctx, ticket.NewTicket{Subject: "Refund", Body: "Please",
			Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sla.New(d, nil, sla.Options{}).CreatePolicy(asAdmin, sla.NewPolicy{Name: "Everyone",
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 240, BusinessHours: true},
				{Metric: sla.Resolution, Minutes: 2400, BusinessHours: true}}}); err != nil {
			t.Fatal(err)
		}
		tab := e.tab()
		e.signIn(tab, admin.Email)
		e.checkWidths(tab, []string{"/admin/schedules", fmt.Sprintf("/admin/schedules/%d", sc.ID)})
		path := fmt.Sprintf("/tickets/%d", tk.ID)
		var wide string
		e.run(tab, "ticket with its SLA panel",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.url+path),
			waitFor(`document.querySelector("#sla-title") !== null`),
			chromedp.Evaluate(tooWide, &wide),
		)
		e.shot(tab, "390-sla-panel")
		if wide != "" {
			t.Errorf("%s scrolls sideways at 390 px; too wide: %s", path, wide)
		}
		e.checkProblems()
	})
}
