package recognition_test

import (
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestLeadsWithdrawAnAwardGivenByMistake(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.ticketOf(e.ann)
		a := e.award(0, tk, "Meant for someone else.")
		if _, err := e.rec.SetReaction(e.ctx(e.bob), e.bob, a.ID, "clap", true); err != nil {
			t.Fatal(err)
		}

		err := e.rec.WithdrawAward(e.ctx(e.bob), e.bob, a.ID, "Not mine to keep.")
		if !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an agent withdrawing: %v", err)
		}
		wantKind(t, e.rec.WithdrawAward(e.ctx(e.lead), e.lead, a.ID, "  "), "reason")
		if n := testutil.Count(t, d, "badge_awards"); n != 1 {
			t.Fatalf("%d awards after refused withdrawals", n)
		}

		if err := e.rec.WithdrawAward(e.ctx(e.lead), e.lead, a.ID, "Awarded to the wrong agent."); err != nil {
			t.Fatal(err)
		}
		feed, err := e.rec.Feed(e.ctx(e.bob), e.bob, recognition.FeedFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) != 0 {
			t.Errorf("the feed still shows %d awards", len(feed))
		}
		for _, table := range []string{"badge_awards", "award_reactions", "notifications"} {
			if n := testutil.Count(t, d, table); n != 0 {
				t.Errorf("%d rows left in %s", n, table)
			}
		}
		evs, err := events.List(e.ctx(e.lead), d.Read(), tk)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Type != recognition.EventBadgeWithdrawn || last.Data["reason"] != "Awarded to the wrong agent." ||
			last.Data["citation"] != "Meant for someone else." {
			t.Fatalf("the ticket's last event: %+v", last)
		}
		if err := e.rec.WithdrawAward(e.ctx(e.lead), e.lead, a.ID, "Again."); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("withdrawing twice: %v", err)
		}
	})
}
