package ticket_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// listAll pages through a listing and returns the ids in order.
func listAll(t *testing.T, s *ticket.Service, f ticket.Filter) []int64 {
	t.Helper()
	var ids []int64
	for {
		page, err := s.List(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Tickets {
			ids = append(ids, tk.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		if len(page.Tickets) != f.Limit {
			t.Fatalf("a page of %d before the end, limit %d", len(page.Tickets), f.Limit)
		}
		f.Cursor = page.NextCursor
	}
}

func TestCursorPaginationSeesEachTicketOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, agentID := agentCtx(t, d)
		const total = 23
		for i := range total {
			tk := mustCreate(t, s, newTicket(i, fmt.Sprintf("c%d@example.com", i%3)))
			if i%2 == 0 {
				if _, err := s.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&agentID)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Many tickets share an updated_at to the millisecond: force it, so
		// the id tie-break is what keeps pages apart.
		if _, err := d.Write().Exec(`UPDATE tickets SET updated_at = $1 WHERE id % 2 = 1`, db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		ids := listAll(t, s, ticket.Filter{Limit: 4})
		seen := map[int64]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("ticket %d listed twice: %v", id, ids)
			}
			seen[id] = true
		}
		if len(seen) != total {
			t.Fatalf("listed %d tickets, want %d", len(seen), total)
		}
		if n := len(listAll(t, s, ticket.Filter{Limit: 5, AssigneeID: agentID})); n != 12 {
			t.Fatalf("%d assigned, want 12", n)
		}
		if n := len(listAll(t, s, ticket.Filter{Limit: 5, Unassigned: true})); n != 11 {
			t.Fatalf("%d unassigned, want 11", n)
		}
		if n := len(listAll(t, s, ticket.Filter{Limit: 50, Tag: "Fire", Status: "new"})); n != total {
			t.Fatalf("%d tagged, want %d", n, total)
		}
		page, err := s.List(ctx, ticket.Filter{})
		if err != nil || len(page.Tickets) != total || page.NextCursor != "" || len(page.Tickets[0].Tags) != 2 {
			t.Fatalf("default page: %d tickets, cursor %q, %v", len(page.Tickets), page.NextCursor, err)
		}
		requester := page.Tickets[0].RequesterID
		if n := len(listAll(t, s, ticket.Filter{Limit: 3, RequesterID: requester})); n < 7 || n > 8 {
			t.Fatalf("%d tickets of one requester", n)
		}
		since := page.Tickets[0].UpdatedAt
		if n := len(listAll(t, s, ticket.Filter{Limit: 5, UpdatedSince: since})); n < 1 || n >= total {
			t.Fatalf("%d updated since the newest, want a few", n)
		}
		if _, err := s.List(ctx, ticket.Filter{Cursor: "garbage"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("bad cursor: %v", err)
		}
		if _, err := s.List(ctx, ticket.Filter{Status: "lost"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("bad status: %v", err)
		}
	})
}
