package kb_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestFunnelCountsDeflectionAndKeepsWhatTheCustomerSaw: one visitor reads
// an article and leaves (deflected once 30 minutes pass), another reads
// one and files anyway (the ticket keeps what they saw), a third searches
// for what no article holds (a content gap).
func TestFunnelCountsDeflectionAndKeepsWhatTheCustomerSaw(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clock := db.Now()
		kb.SetNow(f.svc, func() time.Time { return clock })
		start := clock.Add(-time.Minute)
		refund := f.publish(t, "Refund policy", "Refunds take five days.")
		address := f.publish(t, "Billing address", "Change it under Account.")
		ctx := f.ctx
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(f.svc.RecordSearch(ctx, "visitor-a", kb.SourceHelp, "refund", 1))
		must(f.svc.Opened(ctx, "visitor-a", refund.ID))
		must(f.svc.RecordSearch(ctx, "visitor-b", kb.SourceSuggest, "refund late", 1))
		must(f.svc.Opened(ctx, "visitor-b", refund.ID))
		must(f.svc.RecordSearch(ctx, "", kb.SourceHelp, "Zebra  crossing", 0))
		must(f.svc.RecordSearch(ctx, "", kb.SourceHelp, "zebra crossing", 0))
		tk, err := ticket.NewService(d).Create(ctx, ticket.NewTicket{Subject: "Refund late", Body: "Still waiting",
			Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "portal"})
		must(err)
		must(f.svc.TicketFiled(ctx, "visitor-b", tk.ID, []string{address.Slug, "no-such-article"}))

		seen, err := f.svc.SeenBefore(ctx, tk.ID)
		must(err)
		if len(seen) != 2 || seen[0].ID != refund.ID || !seen[0].Opened || seen[1].ID != address.ID || seen[1].Opened {
			t.Errorf("seen before the ticket: %+v", seen)
		}

		rep, err := f.svc.Report(ctx, start)
		must(err)
		if rep.Deflected != 0 || rep.Filed != 1 {
			t.Errorf("before the window passed: deflected %d filed %d", rep.Deflected, rep.Filed)
		}
		clock = clock.Add(kb.DeflectionWindow + time.Minute)
		rep, err = f.svc.Report(ctx, start)
		must(err)
		if rep.Searches != 4 || rep.NoResults != 2 || len(rep.Gaps) != 1 || rep.Gaps[0] != (kb.Gap{Query: "zebra crossing", Count: 2}) {
			t.Errorf("searches %d, none found %d, gaps %+v", rep.Searches, rep.NoResults, rep.Gaps)
		}
		if rep.Deflected != 1 || rep.Filed != 1 || rep.Rate == nil || *rep.Rate != 0.5 {
			t.Errorf("deflected %d filed %d rate %v", rep.Deflected, rep.Filed, rep.Rate)
		}
		if len(rep.OpenedBeforeTickets) != 1 || rep.OpenedBeforeTickets[0].ID != refund.ID {
			t.Errorf("opened before tickets: %+v", rep.OpenedBeforeTickets)
		}
	})
}
