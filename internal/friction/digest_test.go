package friction_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestWeeklyDigestMailsEachDepartmentsAmbassadors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		gone := e.user("agent")
		billing := e.department("Billing", e.ann, gone)
		logistics := e.department("Logistics", e.bob)
		e.department("Product", e.lead) // no friction points: no digest
		if _, err := d.Write().Exec(`UPDATE users SET disabled_at = $1 WHERE id = $2`, db.Time(db.Now()), gone.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(day("2026-11-30").Add(9 * time.Hour)) // a Monday
		pdf, refund := e.point(billing, "Invoice PDF unreadable"), e.point(billing, "Refund slow")
		e.point(logistics, "Tracking link broken")
		t1, t2 := e.ticketFrom("x@example.com", "Invoice will not open"), e.ticketFrom("y@example.com", "Blank\ninvoice")
		e.tag(e.bob, t1, pdf)
		e.tag(e.bob, t2, pdf)
		if _, err := e.svc.SetStatus(e.ctx(e.ann), e.ann, refund.ID, friction.StatusChange{Status: "fix_planned"}); err != nil {
			t.Fatal(err)
		}

		for range 2 { // at every start of every node: once a week
			if err := e.svc.ScheduleDigest(e.ctx(e.lead)); err != nil {
				t.Fatal(err)
			}
		}
		var queued int
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, friction.KindDigest).Scan(&queued)
		if queued != 1 {
			t.Fatalf("%d digests queued after scheduling twice", queued)
		}
		if n := e.runJobs(); n != 0 {
			t.Fatalf("the digest ran before the week ended (%d jobs)", n)
		}
		e.clock.Set(day("2026-12-07").Add(9 * time.Hour)) // the next Monday, after 08:00
		e.runJobs()
		e.runJobs()

		sent := e.mail.all()
		if len(sent) != 2 {
			t.Fatalf("sent %d digests: %+v", len(sent), sent)
		}
		byTo := map[string]string{}
		for _, m := range sent {
			byTo[m.To] = m.Subject + "\n" + m.Text
		}
		bill := byTo[e.ann.Email]
		for _, want := range []string{
			"Friction in Billing, week of 30 November 2026: 2 new tickets tagged",
			"* Invoice PDF unreadable (status: open), new this week\n  2 new tickets tagged this week, 2 in all",
			fmt.Sprintf("  - #%d \"Invoice will not open\"", t1.Number),
			fmt.Sprintf("  - #%d \"Blank invoice\"", t2.Number),
			"* Refund slow (status: fix planned), new this week\n  0 new tickets tagged this week, 0 in all",
			"https://desk.example.com/friction/report",
		} {
			if !strings.Contains(bill, want) {
				t.Errorf("Billing's digest lacks %q:\n%s", want, bill)
			}
		}
		if strings.Contains(bill, "Tracking") {
			t.Errorf("Billing's digest names another department's point:\n%s", bill)
		}
		if lg := byTo[e.bob.Email]; !strings.Contains(lg, "Friction in Logistics, week of 30 November 2026: 0 new tickets tagged") ||
			!strings.Contains(lg, "Tracking link broken (status: open)") {
			t.Errorf("Logistics' digest:\n%s", lg)
		}
		if _, ok := byTo[gone.Email]; ok {
			t.Error("a disabled ambassador got the digest")
		}
		var next int
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'queued'`, friction.KindDigest).Scan(&next)
		if next != 1 {
			t.Fatalf("%d next digests queued", next)
		}
	})
}
