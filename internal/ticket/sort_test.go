package ticket_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestListSortsAndSets checks every order page by page against the order
// worked out here, and the status, priority and channel sets with Count.
func TestListSortsAndSets(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		var all []*ticket.Ticket
		for i := range 11 {
			n := newTicket(i, fmt.Sprintf("s%d@example.com", i%4))
			n.Priority = ticket.Priorities[i%4]
			if i%3 == 0 {
				n.Channel = "portal"
			}
			tk := mustCreate(t, s, n)
			if i%2 == 0 {
				status := "pending"
				if tk, _ = s.Update(ctx, tk.ID, ticket.Patch{Status: &status}); tk == nil {
					t.Fatal("update failed")
				}
			}
			all = append(all, tk)
		}
		// Equal keys must fall back to the id: share one updated_at.
		if _, err := d.Write().Exec(`UPDATE tickets SET updated_at = $1 WHERE id % 3 = 0`, db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		for _, tk := range all {
			fresh, err := s.Get(context.Background(), tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			*tk = *fresh
		}
		rank := func(p string) int { return slices.Index(ticket.Priorities, p) }
		less := map[string]func(a, b *ticket.Ticket) int{
			ticket.SortUpdated: func(a, b *ticket.Ticket) int {
				if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
					return c
				}
				return int(a.ID - b.ID)
			},
			ticket.SortCreated: func(a, b *ticket.Ticket) int {
				if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
					return c
				}
				return int(a.ID - b.ID)
			},
			ticket.SortNumber: func(a, b *ticket.Ticket) int { return int(a.Number - b.Number) },
			ticket.SortPriority: func(a, b *ticket.Ticket) int {
				if c := rank(a.Priority) - rank(b.Priority); c != 0 {
					return c
				}
				if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
					return c
				}
				return int(a.ID - b.ID)
			},
		}
		for sort, cmp := range less {
			for _, asc := range []bool{false, true} {
				want := slices.Clone(all)
				slices.SortFunc(want, cmp)
				if !asc {
					slices.Reverse(want)
				}
				var wantIDs []int64
				for _, tk := range want {
					wantIDs = append(wantIDs, tk.ID)
				}
				got := listAll(t, s, ticket.Filter{Sort: sort, Ascending: asc, Limit: 3})
				if !slices.Equal(got, wantIDs) {
					t.Errorf("sort %s asc=%v: got %v, want %v", sort, asc, got, wantIDs)
				}
			}
		}

		f := ticket.Filter{Statuses: []string{"pending"}, Priorities: []string{"low", "urgent"}, Channels: []string{"portal"}}
		var want []int64
		for _, tk := range all {
			if tk.Status == "pending" && (tk.Priority == "low" || tk.Priority == "urgent") && tk.Channel == "portal" {
				want = append(want, tk.ID)
			}
		}
		got := listAll(t, s, f)
		slices.Sort(got)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Fatalf("sets: got %v, want %v", got, want)
		}
		n, err := s.Count(context.Background(), f)
		if err != nil || n != int64(len(want)) {
			t.Fatalf("count %d, %v; want %d", n, err, len(want))
		}
	})
}

func TestListRejectsBadSortsAndCursors(t *testing.T) {
	d := testutil.NewSQLite(t)
	s := ticket.NewService(d)
	for range 3 {
		mustCreate(t, s, newTicket(1, "a@example.com"))
	}
	ctx := context.Background()
	if _, err := s.List(ctx, ticket.Filter{Sort: "subject"}); !apperr.Is(err, apperr.KindInvalid) {
		t.Fatalf("unknown sort: %v", err)
	}
	if _, err := s.List(ctx, ticket.Filter{Statuses: []string{"open", "done"}}); !apperr.Is(err, apperr.KindInvalid) {
		t.Fatalf("unknown status: %v", err)
	}
	page, err := s.List(ctx, ticket.Filter{Sort: ticket.SortNumber, Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %v", err)
	}
	if _, err := s.List(ctx, ticket.Filter{Cursor: page.NextCursor, Limit: 1}); !apperr.Is(err, apperr.KindInvalid) {
		t.Fatalf("a number cursor in an updated listing: %v", err)
	}
}

func TestPatchAddsAndRemovesTags(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "tags@example.com")) // tags fire, hardware
		tk, err := s.Update(ctx, tk.ID, ticket.Patch{AddTags: []string{"VIP", "fire"}, RemoveTags: []string{" Hardware"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tk.Tags, []string{"fire", "vip"}) {
			t.Fatalf("tags %v", tk.Tags)
		}
		evs, err := s.Events(context.Background(), tk.ID)
		if err != nil || evs[len(evs)-1].Type != "ticket.tags_changed" {
			t.Fatalf("last event %+v, %v", evs[len(evs)-1], err)
		}
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{AddTags: []string{"two words"}}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("bad tag: %v", err)
		}
	})
}
