package mail_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// RFC 3834: mail that a machine sent, or that cannot be answered, never
// gets an automatic acknowledgement; a person's mail does.
func TestAcknowledgedOnlyWhenAPersonCanRead(t *testing.T) {
	cases := []struct {
		name    string
		from    string
		headers []string
		null    bool // MAIL FROM:<>
		acked   bool
	}{
		{name: "a person", from: "ann@customer.example", acked: true},
		{name: "Auto-Submitted: no", from: "ann@customer.example", headers: []string{"Auto-Submitted: no"}, acked: true},
		{name: "Auto-Submitted: auto-replied", from: "ann@customer.example", headers: []string{"Auto-Submitted: auto-replied"}},
		{name: "Auto-Submitted: auto-generated", from: "ann@customer.example", headers: []string{"Auto-Submitted: Auto-Generated; foo"}},
		{name: "Precedence: bulk", from: "ann@customer.example", headers: []string{"Precedence: bulk"}},
		{name: "Precedence: list", from: "ann@customer.example", headers: []string{"Precedence: List"}},
		{name: "Precedence: junk", from: "ann@customer.example", headers: []string{"Precedence: junk"}},
		{name: "List-Id", from: "ann@customer.example", headers: []string{"List-Id: <news.customer.example>"}},
		{name: "Return-Path: <>", from: "ann@customer.example", headers: []string{"Return-Path: < >"}},
		{name: "MAIL FROM:<>", from: "ann@customer.example", null: true},
		{name: "noreply", from: "noreply@shop.example"},
		{name: "no-reply with a tag", from: "No-Reply+orders@shop.example"},
		{name: "no_reply", from: "no_reply@shop.example"},
		{name: "noreply-billing", from: "noreply-billing@shop.example"},
		{name: "do-not-reply", from: "do-not-reply@shop.example"},
		{name: "donotreply", from: "DoNotReply@shop.example"},
		{name: "do_not_reply", from: "do_not_reply@shop.example"},
		{name: "mailer-daemon", from: "MAILER-DAEMON@relay.example"},
		{name: "postmaster", from: "postmaster@relay.example"},
		{name: "bounces", from: "bounces+123@lists.example"},
		{name: "a person named like a robot", from: "noreplyton@customer.example", acked: true},
	}
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, mail.Options{PerMinute: -1})
		for _, c := range cases {
			raw := crlf(newMail(c.from, "Question "+c.name, "Hello", c.headers...))
			res, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, NullSender: c.null,
				Raw: []byte(raw)})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if res.Outcome != mail.OutcomeNew || e.acked(res.TicketID) != c.acked {
				t.Errorf("%s: %s, acknowledged %v, want %v", c.name, res.Outcome, e.acked(res.TicketID), c.acked)
			}
		}
	})
}
