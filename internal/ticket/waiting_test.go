package ticket_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestWaitingSinceFollowsTheConversation: a customer's message starts the
// wait, an agent's reply ends it, a note changes nothing, and the customer
// writing back starts it again at their new message.
func TestWaitingSinceFollowsTheConversation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "wait@example.com"))
		if tk.WaitingSince == nil || !tk.WaitingSince.Equal(tk.CreatedAt) {
			t.Fatalf("a new ticket waits since it was opened: %v, created %v", tk.WaitingSince, tk.CreatedAt)
		}
		if got := waitingSince(t, s, tk.ID); got == nil || !got.Equal(tk.CreatedAt) {
			t.Fatalf("stored wait %v, want %v", got, tk.CreatedAt)
		}
		if _, err := s.AddMessage(ctx, tk.ID, "Checking with billing.", ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		if got := waitingSince(t, s, tk.ID); got == nil {
			t.Fatal("a note ended the customer's wait")
		}
		if _, err := s.AddMessage(ctx, tk.ID, "Refunded.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		if got := waitingSince(t, s, tk.ID); got != nil {
			t.Fatalf("an agent replied, yet the customer waits since %v", got)
		}
		out, err := s.AppendReceived(context.Background(), tk.ID,
			ticket.Received{CustomerID: tk.RequesterID, Body: "Thanks, but one more thing", Channel: "email"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := waitingSince(t, s, tk.ID); got == nil || !got.Equal(out.Message.CreatedAt) {
			t.Fatalf("the customer wrote back at %v; waiting since %v", out.Message.CreatedAt, got)
		}
	})
}

// TestListSortsByWaiting: sort=waiting lists the customers who have waited
// longest first, then the tickets nobody waits on; page by page, both
// ways round.
func TestListSortsByWaiting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		var tickets []*ticket.Ticket
		for i := range 6 {
			tickets = append(tickets, mustCreate(t, s, newTicket(i, "sorted@example.com")))
		}
		// Waits of distinct ages, two answered tickets, and two waits of
		// the same age (the id decides).
		base := db.Now().Add(-10 * time.Hour)
		ages := []time.Duration{3, 9, 5, 0, 0, 3}
		for i, tk := range tickets {
			if _, err := d.Write().Exec(`UPDATE tickets SET waiting_since = $1 WHERE id = $2`,
				db.Time(base.Add(-ages[i]*time.Hour)), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, i := range []int{3, 4} {
			if _, err := s.AddMessage(ctx, tickets[i].ID, "Answered.", ticket.KindReply); err != nil {
				t.Fatal(err)
			}
		}
		id := func(i int) int64 { return tickets[i].ID }
		// Longest wait first; equal waits by id, as the keys run the same
		// way; then the answered tickets, least recently updated first.
		want := []int64{id(1), id(2), id(0), id(5), id(3), id(4)}
		got := listAll(t, s, ticket.Filter{Sort: ticket.SortWaiting, Limit: 2})
		if !slices.Equal(got, want) {
			t.Errorf("waiting: got %v, want %v", got, want)
		}
		slices.Reverse(want)
		got = listAll(t, s, ticket.Filter{Sort: ticket.SortWaiting, Ascending: true, Limit: 4})
		if !slices.Equal(got, want) {
			t.Errorf("waiting ascending: got %v, want %v", got, want)
		}
	})
}

func waitingSince(t *testing.T, s *ticket.Service, id int64) *time.Time {
	t.Helper()
	tk, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tk.WaitingSince
}
