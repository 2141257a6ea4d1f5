package ticket_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func newTicket(i int, email string) ticket.NewTicket {
	return ticket.NewTicket{
		Subject:   fmt.Sprintf("Printer on fire %d", i),
		Requester: ticket.Requester{Email: email, Name: "Ada"},
		Body:      "It is on fire.",
		Channel:   "email",
		Tags:      []string{"Hardware", "fire", "fire"},
	}
}

func mustCreate(t *testing.T, s *ticket.Service, n ticket.NewTicket) *ticket.Ticket {
	t.Helper()
	tk, err := s.Create(context.Background(), n)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return tk
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// agentCtx acts as a user that exists, as a signed-in agent would.
func agentCtx(t *testing.T, d *db.DB) (context.Context, int64) {
	t.Helper()
	var id int64
	now := db.Time(db.Now())
	err := d.Write().QueryRow(`INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES ($1, 'Agent', 'agent', $2, $2) RETURNING id`, fmt.Sprintf("agent%d@example.com", count(t, d, "users")), now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return audit.WithActor(context.Background(), audit.Actor{UserID: id, Label: "agent"}), id
}

func TestConcurrentCreation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		const workers, each = 8, 20
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					// Half the tickets share one new requester, to race on it.
					email := "shared@example.com"
					if i%2 == 1 {
						email = fmt.Sprintf("w%d-%d@example.com", w, i)
					}
					if _, err := s.Create(context.Background(), newTicket(i, email)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		const total = workers * each
		var distinct, lowest, highest int
		d.Read().QueryRow(`SELECT COUNT(DISTINCT number), MIN(number), MAX(number) FROM tickets`).
			Scan(&distinct, &lowest, &highest)
		if distinct != total || count(t, d, "tickets") != total || lowest != 1 || highest != total {
			t.Fatalf("%d distinct numbers from %d to %d, want %d", distinct, lowest, highest, total)
		}
		if n := count(t, d, "customers"); n != 1+total/2 {
			t.Fatalf("%d customers, want %d", n, 1+total/2)
		}
		var orphans int
		d.Read().QueryRow(`SELECT COUNT(*) FROM tickets t WHERE
			(SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id) != 1
			OR (SELECT COUNT(*) FROM events e WHERE e.ticket_id = t.id AND e.type = 'ticket.created') != 1
			OR (SELECT COUNT(*) FROM events e WHERE e.ticket_id = t.id AND e.type = 'message.added') != 1`).Scan(&orphans)
		if orphans != 0 {
			t.Fatalf("%d tickets lack their message or events", orphans)
		}
		if e, o := count(t, d, "events"), count(t, d, "outbox"); e != 2*total || o != e {
			t.Fatalf("%d events, %d outbox rows", e, o)
		}
	})
}

func TestCreateStoresEverything(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		tk := mustCreate(t, s, newTicket(1, "Ada@Example.com"))
		got, err := s.Get(context.Background(), tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != 1 || got.Status != "new" || got.Priority != "normal" || got.Channel != "email" ||
			strings.Join(got.Tags, ",") != "fire,hardware" || !got.CreatedAt.Equal(tk.CreatedAt) {
			t.Fatalf("got %+v", got)
		}
		msgs, err := s.Messages(context.Background(), tk.ID)
		if err != nil || len(msgs) != 1 || msgs[0].AuthorType != "customer" || *msgs[0].AuthorID != got.RequesterID {
			t.Fatalf("messages %+v, %v", msgs, err)
		}
		if _, err := s.Get(context.Background(), 999); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("unknown ticket: %v", err)
		}
	})
}

func TestValidationChangesNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		existing := mustCreate(t, s, newTicket(0, "ada@example.com"))
		bad := func(f func(*ticket.NewTicket)) ticket.NewTicket {
			n := newTicket(1, "new@example.com")
			f(&n)
			return n
		}
		cases := map[string]ticket.NewTicket{
			"subject":         bad(func(n *ticket.NewTicket) { n.Subject = "  " }),
			"body":            bad(func(n *ticket.NewTicket) { n.Body = strings.Repeat("x", ticket.MaxBody+1) }),
			"priority":        bad(func(n *ticket.NewTicket) { n.Priority = "asap" }),
			"channel":         bad(func(n *ticket.NewTicket) { n.Channel = "pigeon" }),
			"tags":            bad(func(n *ticket.NewTicket) { n.Tags = []string{"two words"} }),
			"requester.email": bad(func(n *ticket.NewTicket) { n.Requester.Email = "nobody" }),
		}
		cases["subject "] = bad(func(n *ticket.NewTicket) { n.Subject = strings.Repeat("é", ticket.MaxSubject+1) })
		tables := []string{"tickets", "customers", "messages", "events", "outbox", "ticket_tags"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, d, tb)
		}
		for field, n := range cases {
			_, err := s.Create(ctx, n)
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Field != strings.TrimSpace(field) {
				t.Errorf("%s: err = %v", field, err)
			}
		}
		status, ghost := "bogus", int64(4242)
		patches := map[string]ticket.Patch{
			"status":      {Status: &status},
			"assignee_id": {AssigneeID: ticket.SetID(&ghost)},
			"team_id":     {TeamID: ticket.SetID(&ghost)},
		}
		for field, p := range patches {
			p.Tags = &[]string{"changed"} // must not be applied either
			_, err := s.Update(ctx, existing.ID, p)
			if e, ok := apperr.As(err); !ok || e.Field != field {
				t.Errorf("%s: err = %v", field, err)
			}
			if field != "status" && !apperr.Is(err, apperr.KindUnprocessable) {
				t.Errorf("%s: kind of %v", field, err)
			}
		}
		for _, tb := range tables {
			if n := count(t, d, tb); n != before[tb] {
				t.Errorf("%s: %d rows, was %d", tb, n, before[tb])
			}
		}
	})
}

func TestUpdateRecordsBeforeAndAfter(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, agentID := agentCtx(t, d)
		billing, err := team.NewService(d).Create(ctx, team.NewTeam{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		status, priority := "solved", "urgent"
		got, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &status, Priority: &priority,
			AssigneeID: ticket.SetID(&agentID), TeamID: ticket.SetID(&billing.ID), Tags: &[]string{"vip"}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "solved" || got.SolvedAt == nil || *got.AssigneeID != agentID || *got.TeamID != billing.ID ||
			strings.Join(got.Tags, ",") != "vip" || !got.UpdatedAt.After(tk.UpdatedAt) && !got.UpdatedAt.Equal(tk.UpdatedAt) {
			t.Fatalf("got %+v", got)
		}
		evs, err := s.Events(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]string{
			"ticket.status_changed":   {`"new"`, `"solved"`},
			"ticket.priority_changed": {`"normal"`, `"urgent"`},
			"ticket.assignee_changed": {`null`, fmt.Sprint(agentID)},
			"ticket.team_changed":     {`null`, fmt.Sprint(billing.ID)},
			"ticket.tags_changed":     {`["fire","hardware"]`, `["vip"]`},
		}
		changed := evs[2:]
		if len(changed) != len(want) {
			t.Fatalf("%d change events, want %d: %+v", len(changed), len(want), changed)
		}
		for _, e := range changed {
			b, _ := json.Marshal(e.Data["before"])
			a, _ := json.Marshal(e.Data["after"])
			if w := want[e.Type]; string(b) != w[0] || string(a) != w[1] {
				t.Errorf("%s: before %s after %s, want %v", e.Type, b, a, w)
			}
			if e.ActorType != events.ActorAgent || *e.ActorID != agentID {
				t.Errorf("%s: actor %s %v", e.Type, e.ActorType, e.ActorID)
			}
		}
		// The same patch again changes nothing and records nothing.
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &status}); err != nil {
			t.Fatal(err)
		}
		// Clearing the assignee with null.
		var p ticket.Patch
		if err := json.Unmarshal([]byte(`{"assignee_id": null}`), &p); err != nil || !p.AssigneeID.Set {
			t.Fatalf("null did not set: %+v, %v", p, err)
		}
		got, err = s.Update(ctx, tk.ID, p)
		if err != nil || got.AssigneeID != nil {
			t.Fatalf("unassign: %+v, %v", got, err)
		}
		if after, _ := s.Events(ctx, tk.ID); len(after) != len(evs)+1 {
			t.Fatalf("%d events after, want %d", len(after), len(evs)+1)
		}
	})
}

func TestFirstAgentReplyIsStampedOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		if _, err := s.AddMessage(ctx, tk.ID, "internal", ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, tk.ID); got.FirstReplyAt != nil {
			t.Fatal("a note counted as the first reply")
		}
		first, err := s.AddMessage(ctx, tk.ID, "We are on it.", ticket.KindReply)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMessage(ctx, tk.ID, "Fixed.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, tk.ID)
		if got.FirstReplyAt == nil || !got.FirstReplyAt.Equal(first.CreatedAt) {
			t.Fatalf("first reply at %v, want %v", got.FirstReplyAt, first.CreatedAt)
		}
		if _, err := s.AddMessage(ctx, tk.ID, "", ticket.KindReply); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("empty body: %v", err)
		}
		if _, err := s.AddMessage(ctx, 999, "x", ticket.KindReply); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("unknown ticket: %v", err)
		}
		msgs, _ := s.Messages(ctx, tk.ID)
		evs, _ := s.Events(ctx, tk.ID)
		if len(msgs) != 4 || len(evs) != 5 {
			t.Fatalf("%d messages and %d events", len(msgs), len(evs))
		}
	})
}
