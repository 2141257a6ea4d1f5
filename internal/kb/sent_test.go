package kb_test

import (
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestReopenedTicketsFlagTheArticlesTheyWereSent: an agent's reply links
// an article (a note linking another does not count); the ticket is solved,
// then reopened, and the article needs review until its owner confirms it.
func TestReopenedTicketsFlagTheArticlesTheyWereSent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bus := events.NewBus(d, testutil.Logger(t), events.Options{})
		if err := bus.Register(f.svc.Consumer()); err != nil {
			t.Fatal(err)
		}
		drain := func() {
			t.Helper()
			if err := bus.Drain(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
		drain()
		sent := f.publish(t, "Refund policy", "Refunds take five days.")
		f.publish(t, "Refund internals", "Banks.") // linked only in a note
		tickets := ticket.NewService(d)
		actx := testutil.As(f.agent.ID)
		tk, err := tickets.Create(actx, ticket.NewTicket{Subject: "Refund late", Body: "Where is it?",
			Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.AddMessage(actx, tk.ID, "See [Refund policy](https://help.example.com/help/articles/refund-policy).", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.AddMessage(actx, tk.ID, "Also /help/articles/refund-internals", ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		status := func(s string) {
			t.Helper()
			if _, err := tickets.Update(actx, tk.ID, ticket.Patch{Status: &s}); err != nil {
				t.Fatal(err)
			}
			drain()
		}
		status("solved")
		if stale, _ := f.svc.NeedsReview(f.ctx); len(stale) != 0 {
			t.Fatalf("flagged before any reopen: %+v", stale)
		}
		status("open")
		stale, err := f.svc.NeedsReview(f.ctx)
		if err != nil || len(stale) != 1 || stale[0].Article.ID != sent.ID || !strings.Contains(stale[0].Reason, "reopened") {
			t.Fatalf("after the reopen: %+v %v", stale, err)
		}
		if n, err := f.svc.RemindOwners(f.ctx); err != nil || n != 1 {
			t.Errorf("reminded %d owners: %v", n, err)
		}
		if err := f.svc.Confirm(f.ctx, f.editor, sent.ID); err != nil {
			t.Fatal(err)
		}
		if stale, _ := f.svc.NeedsReview(f.ctx); len(stale) != 0 {
			t.Errorf("still flagged after confirming: %+v", stale)
		}
	})
}
