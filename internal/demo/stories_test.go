package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// conversations returns every ticket's subject and messages, in ticket
// number order: what a visitor reads.
func conversations(t *testing.T, d *db.DB) []string {
	t.Helper()
	rows, err := d.Read().Query(`SELECT t.subject, m.author_type, m.body_text FROM tickets t
		JOIN messages m ON m.ticket_id = t.id ORDER BY t.number, m.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var subject, author, body string
		if err := rows.Scan(&subject, &author, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, subject+"|"+author+"|"+body)
	}
	return out
}

func generate(t *testing.T, d *db.DB, seed uint64) *demo.Result {
	t.Helper()
	users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
	res, err := demo.Generate(context.Background(), d, demo.Options{Tickets: 300, Seed: seed, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSameSeedSameConversations: two desks from one seed read the same,
// another seed reads differently.
func TestSameSeedSameConversations(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		generate(t, d, 11)
		other := testutil.NewSQLite(t)
		generate(t, other, 11)
		a, b := conversations(t, d), conversations(t, other)
		if len(a) == 0 || strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Fatalf("same seed, different desks: %d and %d messages", len(a), len(b))
		}
		third := testutil.NewSQLite(t)
		generate(t, third, 12)
		if strings.Join(a, "\n") == strings.Join(conversations(t, third), "\n") {
			t.Fatal("another seed made the same desk")
		}
	})
}

// TestConversationsAreStories: every ticket opens with the customer, the
// agent's first reply answers that story's question, people are on
// example domains, and the admin has work, a mailbox, macros and views.
func TestConversationsAreStories(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		res := generate(t, d, 5)
		var subjects, wrongFirst int
		if err := d.Read().QueryRow(`SELECT COUNT(DISTINCT subject) FROM tickets`).Scan(&subjects); err != nil {
			t.Fatal(err)
		}
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM tickets t JOIN messages m ON m.ticket_id = t.id
			WHERE m.id = (SELECT MIN(id) FROM messages WHERE ticket_id = t.id) AND m.author_type <> 'customer'`).Scan(&wrongFirst); err != nil {
			t.Fatal(err)
		}
		if subjects < 30 || wrongFirst != 0 {
			t.Fatalf("%d distinct subjects (want 30+), %d tickets not opened by the customer", subjects, wrongFirst)
		}
		// The agent's answer to "Charged twice" speaks of the refund.
		var reply string
		err := d.Read().QueryRow(`SELECT m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id
			WHERE t.subject = 'Charged twice for my March invoice' AND m.author_type = 'agent' AND m.kind = 'reply'
			ORDER BY m.id LIMIT 1`).Scan(&reply)
		if err != nil || !strings.Contains(reply, "refunded the duplicate") || !strings.HasPrefix(reply, "Hi ") {
			t.Fatalf("the agent's answer: %v %q", err, reply)
		}
		var notExample int
		if err := d.Read().QueryRow(`SELECT (SELECT COUNT(*) FROM customer_identities WHERE value NOT LIKE '%.example'
				AND value NOT LIKE '%@example.com' AND value NOT LIKE '%@example.org' AND value NOT LIKE '%@example.net')
			+ (SELECT COUNT(*) FROM users WHERE email NOT LIKE '%.example')`).Scan(&notExample); err != nil {
			t.Fatal(err)
		}
		if notExample != 0 {
			t.Fatalf("%d addresses are not on example domains", notExample)
		}
		var adminOpen, roles int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM tickets t JOIN users u ON u.id = t.assignee_id
			WHERE u.email = $1 AND t.status IN ('open', 'pending')`, res.AdminEmail).Scan(&adminOpen); err != nil {
			t.Fatal(err)
		}
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM users WHERE (email = $1 AND role = 'admin') OR (email = $2 AND role = 'lead')`,
			res.AdminEmail, res.LeadEmail).Scan(&roles); err != nil {
			t.Fatal(err)
		}
		if adminOpen == 0 || roles != 2 || res.ReviewerEmail == "" {
			t.Fatalf("admin has %d open tickets; %d of admin and lead have their roles; reviewer %q", adminOpen, roles, res.ReviewerEmail)
		}
		var smtpIn int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM mailboxes WHERE inbound_smtp`).Scan(&smtpIn); err != nil {
			t.Fatal(err)
		}
		var sharedViews int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM views WHERE team_id IS NOT NULL`).Scan(&sharedViews); err != nil {
			t.Fatal(err)
		}
		if smtpIn != 1 || sharedViews < 4 || testutil.Count(t, d, "macros") < 5 {
			t.Fatalf("%d mailboxes taking mail, %d shared views, %d macros", smtpIn, sharedViews, testutil.Count(t, d, "macros"))
		}
	})
}
