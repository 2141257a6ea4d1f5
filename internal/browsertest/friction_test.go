package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// frictionDesk scripts twelve weeks of friction: Billing's "Invoice PDF
// unreadable", fixed three weeks ago, and "Refund takes weeks";
// Logistics' "Tracking link broken"; tickets tagged with them across the
// weeks. It returns one tagged ticket.
func (e *env) frictionDesk(lead, amb *user.User) *ticket.Ticket {
	e.t.Helper()
	ctx := user.WithUser(testutil.As(lead.ID), lead)
	svc := friction.New(e.d, jobs.New(e.d, testutil.Logger(e.t), jobs.Options{}), nil, nil, friction.Options{})
	billing, err := svc.CreateDepartment(ctx, lead, friction.NewDepartment{Name: "Billing", AmbassadorIDs: []int64{amb.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	logistics, err := svc.CreateDepartment(ctx, lead, friction.NewDepartment{Name: "Logistics and fulfilment"})
	if err != nil {
		e.t.Fatal(err)
	}
	point := func(dep int64, name string) *friction.Point {
		p, err := svc.CreatePoint(ctx, lead, friction.NewPoint{DepartmentID: dep, Name: name})
		if err != nil {
			e.t.Fatal(err)
		}
		return p
	}
	pdf, refund := point(billing.ID, "Invoice PDF unreadable"), point(billing.ID, "Refund takes weeks")
	tracking := point(logistics.ID, "Tracking link broken")
	now := db.Now()
	fixed := friction.WeekStart(now).Add(-21 * 24 * time.Hour)
	tickets := ticket.NewService(e.d)
	var first *ticket.Ticket
	for i := range 14 {
		p := []*friction.Point{pdf, pdf, refund, tracking}[i%4]
		tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: fmt.Sprintf("Problem %d with %s", i+1, p.Name),
			Body: "Please help", Channel: "email", Requester: ticket.Requester{Email: fmt.Sprintf("c%d@example.com", i%5)}})
		if err != nil {
			e.t.Fatal(err)
		}
		at := now.Add(-time.Duration(i*6) * 24 * time.Hour)
		if _, err := e.d.Write().Exec(`UPDATE tickets SET created_at = $1 WHERE id = $2`, db.Time(at), tk.ID); err != nil {
			e.t.Fatal(err)
		}
		if _, err := svc.TagTicket(ctx, lead, tk.ID, p.ID); err != nil {
			e.t.Fatal(err)
		}
		if first == nil {
			first = tk
		}
	}
	if _, err := svc.SetStatus(ctx, lead, pdf.ID, friction.StatusChange{Status: "fixed", FixedOn: fixed.Format(time.DateOnly)}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := svc.SetStatus(ctx, lead, refund.ID, friction.StatusChange{Status: "fix_planned"}); err != nil {
		e.t.Fatal(err)
	}
	return first
}

// TestFrictionReportReadsAsTables: a lead reads the friction report at
// 1366x768 and at 390 px wide (tables, no sideways scroll), and the ticket
// page shows its friction panel.
func TestFrictionReportReadsAsTables(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.person("lea@example.com", "Lea Lead", user.RoleLead)
		ana := e.agent("ana@example.com", "Ana Lima")
		tk := e.frictionDesk(lea, ana)
		e.requirePage(lea.Email, "/friction/report", "friction report")

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, lea.Email)
		var points, fixes string
		e.run(tab, "open the report",
			chromedp.Navigate(e.url+"/friction/report"),
			chromedp.WaitVisible(`#report-points`, chromedp.ByID),
			chromedp.Text(`#report-points tbody`, &points, chromedp.ByID),
			chromedp.Text(`#report-fixes tbody`, &fixes, chromedp.ByID),
		)
		for _, want := range []string{"Invoice PDF unreadable", "Refund takes weeks", "fix planned", "Tracking link broken"} {
			if !strings.Contains(points, want) {
				t.Errorf("the report's points lack %q:\n%s", want, points)
			}
		}
		if !strings.Contains(fixes, "Invoice PDF unreadable") || !strings.Contains(fixes, "days") {
			t.Errorf("before and after:\n%s", fixes)
		}
		e.shot(tab, "report-desktop")
		e.run(tab, "ticket page",
			chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)),
			chromedp.WaitVisible(`#friction`, chromedp.ByID))
		e.shot(tab, "ticket-desktop")
		e.run(tab, "friction points", chromedp.Navigate(e.url+"/friction"), chromedp.WaitVisible(`#accepted-title`, chromedp.ByID))
		e.shot(tab, "points-desktop")

		e.checkPhoneWidth(tab, "/friction/report", "/friction", "/friction/departments", fmt.Sprintf("/tickets/%d", tk.ID))
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/friction/report"), chromedp.WaitVisible(`#report-points`, chromedp.ByID))
		e.shot(tab, "report-phone")
		e.run(tab, "points on a phone", chromedp.Navigate(e.url+"/friction"), chromedp.WaitVisible(`#accepted-title`, chromedp.ByID))
		e.shot(tab, "points-phone")
		e.run(tab, "ticket on a phone", chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.url, tk.ID)),
			chromedp.WaitVisible(`#friction`, chromedp.ByID))
		e.shot(tab, "ticket-phone")
		e.checkProblems()
		_ = context.Background
	})
}
