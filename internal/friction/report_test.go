package friction_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// created moves a ticket's creation to at, as if it had come in then.
func (e *env) created(tk *ticket.Ticket, at time.Time) {
	e.t.Helper()
	if _, err := e.d.Write().Exec(`UPDATE tickets SET created_at = $1 WHERE id = $2`, db.Time(at), tk.ID); err != nil {
		e.t.Fatal(err)
	}
}

// effortOf sets tk's stored channel switches and ended customer wait.
func (e *env) effortOf(tk *ticket.Ticket, switches int, waitMS int64) {
	e.t.Helper()
	if _, err := e.d.Write().Exec(`UPDATE ticket_effort SET channel_switches = $1, wait_ms = $2, wait_started_ms = NULL
		WHERE ticket_id = $3`, switches, waitMS, tk.ID); err != nil {
		e.t.Fatal(err)
	}
}

// surveyed stores a survey of tk in status with its scores (nil for none).
func (e *env) surveyed(tk *ticket.Ticket, status string, csat, ces any) {
	e.t.Helper()
	e.surveys++
	now := db.Time(e.clock.Now())
	if _, err := e.d.Write().Exec(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
		status, solved_at, csat, ces, created_at, updated_at) VALUES ($1, $2, $3, 'email', $4, $5, $6, $7, $5, $5)`,
		tk.ID, 800000+e.surveys, tk.RequesterID, status, now, csat, ces); err != nil {
		e.t.Fatal(err)
	}
}

// figs writes f's figures out, scores included, to compare them whole.
func figs(f friction.Figures) string {
	score := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("%d tickets, %d customers, %d contacts, %d reopens, %d switches, %d s wait, CSAT %s of %d, CES %s of %d",
		f.Tickets, f.Customers, f.Contacts, f.Reopens, f.ChannelSwitches, f.CustomerWaitSeconds,
		score(f.CSATScore), f.CSATAnswers, score(f.CESMean), f.CESAnswers)
}

// writesBack adds a customer message to tk, reopening it if it was solved.
func (e *env) writesBack(tk *ticket.Ticket) {
	e.t.Helper()
	if _, err := e.tickets.AppendReceived(e.ctx(e.lead), tk.ID, ticket.Received{CustomerID: tk.RequesterID,
		Body: "Still broken", Channel: "email"}, true); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) solve(tk *ticket.Ticket) {
	e.t.Helper()
	solved := "solved"
	if _, err := e.tickets.Update(e.ctx(e.lead), tk.ID, ticket.Patch{Status: &solved}); err != nil {
		e.t.Fatal(err)
	}
}

// The script: eight weeks from Monday 5 October 2026. Billing's "Invoice
// PDF unreadable" (fixed on Sunday 1 November) has t1 (customer X, two
// contacts, reopened once), t2 (Y) and t3 (X again, after the fix); t1 is
// also tagged "Refund slow", so Billing counts it once. Logistics'
// "Tracking link broken" has t4 (Z). t5 came before the period.
func TestReportFiguresAreExact(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		billing, logistics := e.department("Billing", e.ann), e.department("Logistics")
		e.department("Product")
		pdf, refund := e.point(billing, "Invoice PDF unreadable"), e.point(billing, "Refund slow")
		tracking := e.point(logistics, "Tracking link broken")
		t1 := e.ticketFrom("x@example.com", "Invoice will not open")
		t2 := e.ticketFrom("y@example.com", "Blank invoice")
		t3 := e.ticketFrom("x@example.com", "Invoice again")
		t4 := e.ticketFrom("z@example.com", "Where is my parcel")
		t5 := e.ticketFrom("z@example.com", "Old invoice")
		e.solve(t1)
		e.writesBack(t1)
		for tk, at := range map[*ticket.Ticket]string{t1: "2026-10-06", t2: "2026-10-14", t3: "2026-11-03",
			t4: "2026-11-20", t5: "2026-09-01"} {
			e.created(tk, day(at).Add(10*time.Hour))
		}
		for _, tk := range []*ticket.Ticket{t1, t2, t3, t5} {
			e.tag(e.bob, tk, pdf)
		}
		e.tag(e.bob, t1, refund)
		e.tag(e.bob, t4, tracking)
		// Effort and answered surveys: t1 and t2 before the PDF fix, t3 after.
		e.effortOf(t1, 2, 90_500)
		e.effortOf(t2, 1, 30_000)
		e.effortOf(t3, 0, 10_000)
		e.surveyed(t1, "answered", 2, 3) // an earlier resolution of t1
		e.surveyed(t1, "answered", 5, 6)
		e.surveyed(t2, "answered", 4, nil)
		e.surveyed(t2, "sent", nil, nil)
		e.surveyed(t3, "answered", 1, 2)
		e.surveyed(t4, "void", nil, nil)
		if _, err := e.svc.SetStatus(e.ctx(e.ann), e.ann, pdf.ID, friction.StatusChange{Status: "fixed", FixedOn: "2026-11-01"}); err != nil {
			t.Fatal(err)
		}

		period, err := friction.ParsePeriod("2026-10-05", "2026-11-29", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.Report(e.ctx(e.bob), period)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Weeks) != 8 || !r.Weeks[0].Equal(day("2026-10-05")) || !r.To.Equal(day("2026-11-29")) {
			t.Fatalf("weeks %v, to %v", r.Weeks, r.To)
		}
		names := []string{}
		for _, p := range r.Points {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, []string{"Invoice PDF unreadable", "Refund slow", "Tracking link broken"}) {
			t.Fatalf("points %v", names)
		}
		a := r.Points[0]
		pdfFigures := "3 tickets, 2 customers, 4 contacts, 1 reopens, 3 switches, 130 s wait, CSAT 50 of 4, CES 3.7 of 3"
		if got := figs(a.Figures); got != pdfFigures {
			t.Errorf("PDF figures %s", got)
		}
		if !slices.Equal(a.Trend, []int{1, 1, 0, 0, 1, 0, 0, 0}) {
			t.Errorf("PDF trend %v", a.Trend)
		}
		if a.Fix == nil || !a.Fix.FixedOn.Equal(day("2026-11-01")) {
			t.Fatalf("PDF fix %+v", a.Fix)
		}
		// 27 days before the fix with 2 tickets, 29 after with 1.
		b, f := a.Fix.Before, a.Fix.After
		if b.Tickets != 2 || b.Customers != 2 || b.Contacts != 3 || b.Reopens != 1 || b.Days != 27 || *b.PerWeek != 0.5 {
			t.Errorf("before %+v (%v a week)", b, *b.PerWeek)
		}
		if f.Tickets != 1 || f.Customers != 1 || f.Contacts != 1 || f.Reopens != 0 || f.Days != 29 || *f.PerWeek != 0.2 {
			t.Errorf("after %+v (%v a week)", f, *f.PerWeek)
		}
		if got := figs(b.Figures); got != "2 tickets, 2 customers, 3 contacts, 1 reopens, 3 switches, 120 s wait, CSAT 66.7 of 3, CES 4.5 of 2" {
			t.Errorf("before %s", got)
		}
		if got := figs(f.Figures); got != "1 tickets, 1 customers, 1 contacts, 0 reopens, 0 switches, 10 s wait, CSAT 0 of 1, CES 2 of 1" {
			t.Errorf("after %s", got)
		}
		if figs(r.Points[1].Figures) != "1 tickets, 1 customers, 2 contacts, 1 reopens, 2 switches, 90 s wait, CSAT 50 of 2, CES 4.5 of 2" ||
			r.Points[1].Fix != nil {
			t.Errorf("refund %+v", r.Points[1])
		}
		c := r.Points[2]
		if figs(c.Figures) != "1 tickets, 1 customers, 1 contacts, 0 reopens, 0 switches, 0 s wait, CSAT - of 0, CES - of 0" || !slices.Equal(c.Trend, []int{0, 0, 0, 0, 0, 0, 1, 0}) {
			t.Errorf("tracking %+v", c)
		}
		if len(r.Departments) != 3 || r.Departments[0].Name != "Billing" || r.Departments[1].Name != "Logistics" {
			t.Fatalf("departments %+v", r.Departments)
		}
		bill := r.Departments[0]
		if figs(bill.Figures) != pdfFigures || bill.Points != 2 ||
			!slices.Equal(bill.Trend, []int{1, 1, 0, 0, 1, 0, 0, 0}) {
			t.Errorf("billing %+v", bill)
		}
		if r.Departments[2].Tickets != 0 || r.Departments[2].Points != 0 {
			t.Errorf("product %+v", r.Departments[2])
		}

		var buf bytes.Buffer
		if err := r.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 1+3+3 || !strings.HasPrefix(lines[0], "kind,department,friction_point,status,fixed_on,tickets") ||
			!strings.HasSuffix(lines[0], "week_2026-11-23") {
			t.Fatalf("csv:\n%s", buf.String())
		}
		if want := "friction_point,Billing,Invoice PDF unreadable,fixed,2026-11-01,3,2,4,1,3,130,4,50.0,3,3.7," +
			"2,0.5,1,0.2,3,0,120,10,3,1,66.7,0.0,2,1,4.5,2.0,1,1,0,0,1,0,0,0"; lines[4] != want {
			t.Errorf("csv line\n%s\nwant\n%s", lines[4], want)
		}
	})
}

// A fix outside the period leaves one side empty, with no rate.
func TestFixBeforeThePeriodHasNoBeforeSide(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pdf := e.point(e.department("Billing", e.ann), "Invoice PDF unreadable")
		tk := e.ticketFrom("x@example.com", "Invoice")
		e.created(tk, day("2026-10-20"))
		e.tag(e.bob, tk, pdf)
		if _, err := e.svc.SetStatus(e.ctx(e.ann), e.ann, pdf.ID, friction.StatusChange{Status: "fixed", FixedOn: "2026-09-01"}); err != nil {
			t.Fatal(err)
		}
		period, err := friction.ParsePeriod("2026-10-05", "2026-10-25", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.Report(e.ctx(e.bob), period)
		if err != nil {
			t.Fatal(err)
		}
		fix := r.Points[0].Fix
		if fix.Before.Days != 0 || fix.Before.PerWeek != nil || fix.After.Days != 21 || fix.After.Tickets != 1 || *fix.After.PerWeek != 0.3 {
			t.Fatalf("fix %+v %+v", fix.Before, fix.After)
		}
	})
}

func TestPeriodRefusesBadInputNamingTheField(t *testing.T) {
	now := day("2026-12-07").Add(15 * time.Hour)
	p, err := friction.ParsePeriod("", "", now)
	if err != nil || !p.To.Equal(day("2026-12-08")) || !p.From.Equal(day("2026-09-15")) {
		t.Fatalf("default period %+v %v", p, err)
	}
	cases := map[string][2]string{
		"from": {"2026-13-01", ""},
		"to":   {"", "yesterday"},
	}
	for field, c := range cases {
		_, err := friction.ParsePeriod(c[0], c[1], now)
		wantErr(t, err, apperr.KindInvalid, field)
	}
	_, err = friction.ParsePeriod("2026-11-02", "2026-11-01", now)
	wantErr(t, err, apperr.KindInvalid, "from")
	_, err = friction.ParsePeriod("2020-01-01", "2026-11-01", now)
	wantErr(t, err, apperr.KindInvalid, "to")
	if _, err := friction.ParsePeriod("2026-11-01", "2026-11-01", now); err != nil {
		t.Fatalf("a one-day period: %v", err)
	}
}
