package privacy_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/customerdata"
)

// env is a desk with customers, tickets and files.
type env struct {
	t           *testing.T
	d           *db.DB
	customers   *customer.Service
	tickets     *ticket.Service
	attachments *attachment.Service
	privacy     *privacy.Service
	dir         string
	agent       context.Context
}

func newEnv(t *testing.T, d *db.DB) *env {
	dir := filepath.Join(t.TempDir(), "attachments")
	files := attachment.NewService(d, dir, settings.NewStore(d))
	return &env{t: t, d: d, customers: customer.NewService(d), tickets: ticket.NewService(d),
		attachments: files, privacy: privacy.NewService(d, files, testutil.Logger(t)), dir: dir,
		agent: testutil.As(testutil.NewUser(t, d, "agent"))}
}

func (e *env) customer(email, name string, more ...customer.NewIdentity) *customer.Customer {
	e.t.Helper()
	c, err := e.customers.Create(e.agent, customer.NewCustomer{Email: email, Name: name, Identities: more})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// open opens a ticket as a customer's mail would, with files stored by the
// system.
func (e *env) open(c *customer.Customer, subject, body string, files ...[]byte) (*ticket.Ticket, *ticket.Message) {
	e.t.Helper()
	tk, m, err := e.tickets.OpenReceived(context.Background(), ticket.Received{CustomerID: c.ID,
		Subject: subject, Body: body, BodyHTML: "<p>" + body + "</p>", Channel: "email",
		Attachments: e.uploads(context.Background(), files...)})
	if err != nil {
		e.t.Fatal(err)
	}
	return tk, m
}

func (e *env) uploads(ctx context.Context, files ...[]byte) []int64 {
	e.t.Helper()
	var ids []int64
	for _, f := range files {
		a, err := e.attachments.Upload(ctx, attachment.Upload{Filename: "file.txt", Body: bytes.NewReader(f), Size: -1})
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

func (e *env) reply(c *customer.Customer, tk *ticket.Ticket, body string) {
	e.t.Helper()
	if _, err := e.tickets.AppendReceived(context.Background(), tk.ID, ticket.Received{CustomerID: c.ID,
		Body: body, Channel: "email"}, true); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read().QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMergeMovesEverything(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ada := e.customer("ada@example.com", "Ada")
		other := e.customer("ada@work.example", "A. Lovelace", customer.NewIdentity{Kind: "phone", Value: "+44 20 7946 0958"})
		t1, _ := e.open(ada, "Invoice", "Where is my invoice?")
		t2, _ := e.open(other, "Refund", "Please refund")
		t3, _ := e.open(other, "Login", "Cannot sign in")
		e.reply(other, t1, "Writing from work")
		if _, err := e.tickets.AddFollowers(context.Background(), t1.ID, []int64{other.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.tickets.AddFollowers(context.Background(), t2.ID, []int64{ada.ID}); err != nil {
			t.Fatal(err)
		}
		// A solved ticket reopened by the customer has events they caused.
		status := "solved"
		if _, err := e.tickets.Update(e.agent, t3.ID, ticket.Patch{Status: &status}); err != nil {
			t.Fatal(err)
		}
		e.reply(other, t3, "Still broken")
		tables := []string{"tickets", "messages", "customer_identities"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = testutil.Count(t, d, tb)
		}
		eventsBefore := testutil.Count(t, d, "events")

		m, err := e.privacy.Merge(e.agent, other.ID, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.MergedID != other.ID || m.Customer.ID != ada.ID || len(m.Customer.Identities) != 3 || m.Identities != 2 ||
			m.Requested != 2 || m.Messages != 4 || len(m.TicketIDs) != 3 {
			t.Fatalf("merged %+v", m)
		}
		for _, tb := range tables {
			if n := testutil.Count(t, d, tb); n != before[tb] {
				t.Errorf("%s: %d rows, had %d", tb, n, before[tb])
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM customers WHERE id = $1`, other.ID); n != 0 {
			t.Fatal("the merged customer still exists")
		}
		if n := e.count(`SELECT COUNT(*) FROM tickets WHERE requester_id = $1`, ada.ID); n != 3 {
			t.Fatalf("ada requests %d tickets", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM messages WHERE author_type = 'customer' AND author_id = $1`, ada.ID); n != 5 {
			t.Fatalf("ada wrote %d messages", n)
		}
		// A requester does not also follow: both follower rows went.
		if n := testutil.Count(t, d, "ticket_followers"); n != 0 {
			t.Fatalf("%d follower rows", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM events WHERE actor_type = 'customer' AND actor_id = $1`, other.ID); n != 0 {
			t.Fatalf("%d events still name the merged customer as actor", n)
		}
		if n := testutil.Count(t, d, "events") - eventsBefore; n != 3 {
			t.Fatalf("%d events appended, want one per ticket", n)
		}
		for _, tk := range []*ticket.Ticket{t1, t2, t3} {
			evs, err := e.tickets.Events(context.Background(), tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := evs[len(evs)-1]
			if last.Type != customerdata.EventCustomerMerged || last.ActorType != events.ActorAgent {
				t.Fatalf("ticket %d's last event %+v", tk.ID, last)
			}
		}
		if c, err := e.customers.GetByEmail(context.Background(), "ADA@work.example"); err != nil || c.ID != ada.ID {
			t.Fatalf("merged address finds %+v, %v", c, err)
		}
		entries, err := audit.List(context.Background(), d.Read(), audit.Filter{Action: "customer.merged"})
		if err != nil || len(entries) != 1 || entries[0].TargetID != itoa(ada.ID) {
			t.Fatalf("audit %+v, %v", entries, err)
		}
		// Merging into oneself, into nobody, and a customer who is gone.
		_, err = e.privacy.Merge(e.agent, ada.ID, ada.ID)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnprocessable || e.Field != "into" {
			t.Fatalf("into itself: %v", err)
		}
		_, err = e.privacy.Merge(e.agent, ada.ID, 999999)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnprocessable || e.Field != "into" {
			t.Fatalf("into nobody: %v", err)
		}
		if _, err := e.privacy.Merge(e.agent, other.ID, ada.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("again: %v", err)
		}
	})
}

func TestConcurrentMergesOfOnePair(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.customer("a@example.com", "A")
		b := e.customer("b@example.com", "B", customer.NewIdentity{Kind: "external", Value: "crm:b"})
		e.open(a, "One", "First")
		e.open(b, "Two", "Second")
		// The same merge twice, and the pair crossed, all at once.
		pairs := [][2]int64{{b.ID, a.ID}, {b.ID, a.ID}, {a.ID, b.ID}}
		errs := make([]error, len(pairs))
		var wg sync.WaitGroup
		for i, p := range pairs {
			wg.Go(func() {
				_, errs[i] = e.privacy.Merge(e.agent, p[0], p[1])
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			var ae *apperr.Error
			switch {
			case err == nil:
				won++
			case !errors.As(err, &ae) || (ae.Kind != apperr.KindNotFound && ae.Kind != apperr.KindUnprocessable):
				t.Fatalf("a losing merge failed with %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d merges succeeded: %v", won, errs)
		}
		if n := testutil.Count(t, d, "customers"); n != 1 {
			t.Fatalf("%d customers", n)
		}
		var survivor int64
		d.Read().QueryRow(`SELECT id FROM customers`).Scan(&survivor)
		if n := e.count(`SELECT COUNT(*) FROM customer_identities WHERE customer_id = $1`, survivor); n != 3 {
			t.Fatalf("%d identities survive", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM tickets WHERE requester_id = $1`, survivor); n != 2 {
			t.Fatalf("the survivor requests %d tickets", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM events WHERE type = $1`, customerdata.EventCustomerMerged); n != 1 {
			t.Fatalf("%d merge events", n)
		}
	})
}

func TestEraseLeavesNoPersonalData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		ada := e.customer("ada@example.com", "Ada Lovelace", customer.NewIdentity{Kind: "phone", Value: "+44 20 7946 0958"})
		bob := e.customer("bob@example.com", "Bob")
		own, shared := []byte("Ada's private scan"), []byte("a brochure everyone sends")
		t1, m1 := e.open(ada, "Zephyrine refund", "my quixotic flibbertigibbet", own, shared)
		e.reply(ada, t1, "also marmalade")
		if _, err := e.tickets.PostMessage(e.agent, t1.ID, ticket.NewMessage{Kind: "reply",
			Body: "Hi Ada Lovelace, we wrote to ADA@example.com"}); err != nil {
			t.Fatal(err)
		}
		t2, m2 := e.open(bob, "Brochure", "see the brochure", shared)
		if _, err := e.tickets.AddFollowers(ctx, t2.ID, []int64{ada.ID}); err != nil {
			t.Fatal(err)
		}
		subject := "Zephyrine refund, urgent"
		if _, err := e.tickets.Update(e.agent, t1.ID, ticket.Patch{Subject: &subject}); err != nil {
			t.Fatal(err)
		}
		now := db.Time(db.Now())
		mustExec(t, d, `INSERT INTO custom_fields (key, label, type, created_at, updated_at)
			VALUES ('callback', 'Callback', 'text', $1, $1)`, now)
		mustExec(t, d, `INSERT INTO ticket_field_values (ticket_id, field_id, value_text)
			SELECT $1, id, 'Ada Lovelace on +44 20 7946 0958 after five' FROM custom_fields WHERE key = 'callback'`, t1.ID)
		mustExec(t, d, `INSERT INTO email_messages (message_id, direction, rfc_message_id, subject, from_addr,
			to_addrs, delivery_state, created_at, updated_at)
			VALUES ($1, 'in', 'x1@example.com', 'Zephyrine refund', 'ada@example.com', 'help@desk.example', 'received', $2, $2)`, m1.ID, now)
		mustExec(t, d, `INSERT INTO email_messages (message_id, direction, rfc_message_id, subject, from_addr,
			to_addrs, cc_addrs, delivery_state, created_at, updated_at)
			VALUES ($1, 'out', 'x2@desk.example', 'Re: Brochure', 'help@desk.example', 'bob@example.com',
			'ada@example.com', 'sent', $2, $2)`, m2.ID, now)
		mustExec(t, d, `INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at, updated_at)
			VALUES ('email.ack', '{"to":"ada@example.com","subject":"Zephyrine"}', 5, $1, $1, $1)`, now)
		sharedFile := filepath.Join(e.dir, sha(shared)[:2], sha(shared)[2:4], sha(shared))
		ownFile := filepath.Join(e.dir, sha(own)[:2], sha(own)[2:4], sha(own))

		er, err := e.privacy.Erase(e.agent, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := er.Customer
		if c.Name != customer.ErasedName || c.Email != "" || len(c.Identities) != 0 || c.ErasedAt == nil || c.Notes != "" {
			t.Fatalf("erased customer %+v", c)
		}
		if len(er.MessageIDs) != 2 || er.Attachments != 2 || len(er.TicketIDs) != 2 || er.EmailRows != 2 || er.Jobs != 1 {
			t.Fatalf("erasure %+v", er)
		}
		if _, err := e.customers.GetByEmail(ctx, "ada@example.com"); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("by email after erasure: %v", err)
		}
		// Nothing anywhere says who she was or what she wrote.
		for _, secret := range []string{"ada@example.com", "Lovelace", "7946", "Zephyrine", "flibbertigibbet", "marmalade"} {
			like := "%" + strings.ToLower(secret) + "%"
			for _, q := range []string{
				`SELECT COUNT(*) FROM messages WHERE LOWER(body_text) LIKE $1 OR LOWER(COALESCE(body_html, '')) LIKE $1`,
				`SELECT COUNT(*) FROM tickets WHERE LOWER(subject) LIKE $1`,
				`SELECT COUNT(*) FROM events WHERE LOWER(data) LIKE $1`,
				`SELECT COUNT(*) FROM customers WHERE LOWER(name) LIKE $1 OR LOWER(notes) LIKE $1`,
				`SELECT COUNT(*) FROM customer_identities WHERE LOWER(value) LIKE $1`,
				`SELECT COUNT(*) FROM email_messages WHERE LOWER(subject) LIKE $1 OR from_addr LIKE $1 OR to_addrs LIKE $1 OR cc_addrs LIKE $1`,
				`SELECT COUNT(*) FROM audit_log WHERE LOWER(details) LIKE $1`,
				`SELECT COUNT(*) FROM jobs WHERE LOWER(payload) LIKE $1`,
				`SELECT COUNT(*) FROM ticket_field_values WHERE LOWER(COALESCE(value_text, '')) LIKE $1`,
			} {
				if n := e.count(q, like); n != 0 {
					t.Errorf("%q is still in %d rows of: %s", secret, n, q)
				}
			}
			if strings.Contains(secret, "@") || secret == "7946" {
				continue
			}
			res, err := search.NewService(d).Search(e.agent, search.Query{Q: secret})
			if err != nil || len(res.Items) != 0 {
				t.Errorf("search %q: %+v, %v", secret, res, err)
			}
		}
		// Bob's ticket and message are his own; the brochure he sent stays.
		if n := e.count(`SELECT COUNT(*) FROM messages WHERE id = $1 AND body_text = 'see the brochure'`, m2.ID); n != 1 {
			t.Fatal("bob's message changed")
		}
		if n := e.count(`SELECT COUNT(*) FROM email_messages WHERE message_id = $1 AND to_addrs = 'bob@example.com' AND cc_addrs = ''`, m2.ID); n != 1 {
			t.Fatal("bob's email record lost more than ada's address")
		}
		if _, err := os.Stat(sharedFile); err != nil {
			t.Fatalf("the shared file went: %v", err)
		}
		if _, err := os.Stat(ownFile); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("ada's own file is still there: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM ticket_followers WHERE customer_id = $1`, ada.ID); n != 0 {
			t.Fatal("ada still follows a ticket")
		}
		tk, err := e.tickets.Get(ctx, t1.ID)
		if err != nil || tk.Subject != customerdata.ErasedSubject || tk.RequesterID != ada.ID {
			t.Fatalf("ticket after erasure %+v, %v", tk, err)
		}
		for _, id := range []int64{t1.ID, t2.ID} {
			if n := e.count(`SELECT COUNT(*) FROM events WHERE ticket_id = $1 AND type = $2`, id, customerdata.EventCustomerErased); n != 1 {
				t.Fatalf("ticket %d has %d erasure events", id, n)
			}
		}
		entries, err := audit.List(ctx, d.Read(), audit.Filter{Action: "customer.erased"})
		if err != nil || len(entries) != 1 || entries[0].TargetID != itoa(ada.ID) {
			t.Fatalf("audit %+v, %v", entries, err)
		}
		// Once erased, a customer cannot be changed or merged; erasing again is harmless.
		name := "Ada"
		if _, err := e.customers.Update(ctx, ada.ID, customer.Patch{Name: &name}); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("update erased: %v", err)
		}
		if _, err := e.privacy.Merge(ctx, ada.ID, bob.ID); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("merge erased: %v", err)
		}
		if _, err := e.privacy.Erase(e.agent, ada.ID); err != nil {
			t.Fatalf("erase again: %v", err)
		}
		if _, err := e.privacy.Erase(e.agent, 999999); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("erase nobody: %v", err)
		}
		// Her address is free: new mail from it makes a new customer.
		again := e.customer("ada@example.com", "Ada")
		if again.ID == ada.ID {
			t.Fatal("the erased customer came back")
		}
	})
}

func mustExec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	}); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
