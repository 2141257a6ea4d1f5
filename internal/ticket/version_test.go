package ticket_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// TestVersionCountsEveryChange: each write path that changes a ticket's
// row moves its version on by one; a change that changes nothing does not.
func TestVersionCountsEveryChange(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		other := mustCreate(t, s, newTicket(2, "bo@example.com"))
		if tk.Version != 1 {
			t.Fatalf("new ticket at version %d", tk.Version)
		}
		want := int64(1)
		step := func(what string, change func() error, bumps bool) {
			t.Helper()
			if err := change(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if bumps {
				want++
			}
			got, err := s.Get(context.Background(), tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != want {
				t.Fatalf("after %s: version %d, want %d", what, got.Version, want)
			}
		}
		status, high := "open", "high"
		step("a status change", func() error { _, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &status}); return err }, true)
		step("the same status again", func() error { _, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &status}); return err }, false)
		step("a priority and tags", func() error {
			_, err := s.Update(ctx, tk.ID, ticket.Patch{Priority: &high, AddTags: []string{"vip"}})
			return err
		}, true)
		step("a note", func() error {
			_, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Body: "Looking.", Kind: ticket.KindNote})
			return err
		}, true)
		step("a link", func() error {
			_, err := ticketlink.New(d, s).Add(ctx, tk.ID, ticketlink.NewLink{Type: ticketlink.Related, TicketID: other.ID})
			return err
		}, true)
		step("a bulk change", func() error {
			_, err := s.ApplyBulk(ctx, ticket.Bulk{IDs: []int64{tk.ID}, Patch: &ticket.Patch{RemoveTags: []string{"vip"}}})
			return err
		}, true)
		step("a tag renamed", func() error { _, err := s.RenameTag(ctx, "fire", "flames"); return err }, true)
		step("a merge into it", func() error { _, err := s.Merge(ctx, other.ID, tk.ID); return err }, true)
	})
}

// TestIfVersion: a change made against a version applies only while the
// ticket is at it; of two racing changes against the same version exactly
// one wins, and the loser changes nothing.
func TestIfVersion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))

		const n = 5
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				p := []string{"low", "high", "urgent", "low", "high"}[i]
				_, errs[i] = s.Update(ticket.IfVersion(ctx, tk.ID, 1), tk.ID, ticket.Patch{Priority: &p,
					AddTags: []string{"racer"}})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			stale, isStale := ticket.AsStale(err)
			switch {
			case err == nil:
				won++
			case isStale:
				if stale.Want != 1 || stale.Current != 2 || !apperr.Is(err, apperr.KindConflict) {
					t.Fatalf("stale error %+v", stale)
				}
			default:
				t.Fatalf("racing update: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d racing changes won, want exactly 1 (%v)", won, n, errs)
		}
		got, err := s.Get(context.Background(), tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 {
			t.Fatalf("version %d, want 2", got.Version)
		}
		evs, err := s.Events(context.Background(), tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		priority := 0
		for _, e := range evs {
			if e.Type == "ticket.priority_changed" {
				priority++
			}
		}
		if priority != 1 {
			t.Fatalf("%d priority events, want the winner's one", priority)
		}

		// The condition binds only its own ticket, and a reply with its
		// status change (two steps, one transaction) checks it once.
		other := mustCreate(t, s, newTicket(2, "bo@example.com"))
		pending := "pending"
		if _, err := s.Update(ticket.IfVersion(ctx, tk.ID, 1), other.ID, ticket.Patch{Status: &pending}); err != nil {
			t.Fatalf("a condition on another ticket: %v", err)
		}
		err = d.Tx(ticket.IfVersion(ctx, tk.ID, 2), func(ctx context.Context, _ *sql.Tx) error {
			if _, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Body: "Sent.", Kind: ticket.KindReply}); err != nil {
				return err
			}
			_, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &pending})
			return err
		})
		if err != nil {
			t.Fatalf("a reply and status against the current version: %v", err)
		}
		if _, err := s.PostMessage(ticket.IfVersion(ctx, tk.ID, 2), tk.ID, ticket.NewMessage{Body: "Late.", Kind: ticket.KindNote}); err == nil {
			t.Fatal("a note against an old version was added")
		}
		if _, err := s.Update(ticket.IfVersion(ctx, 999, 1), 999, ticket.Patch{Status: &pending}); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("an unknown ticket: %v", err)
		}
	})
}
