package coaching_test

import (
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestConcernsAreConfidential(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		raiser, other := e.user("agent"), e.user("agent")
		c, err := e.c.RaiseConcern(e.ctx(raiser), raiser, coaching.NewConcern{Body: "We closed #1 without asking.",
			TicketID: &e.ticket, ValueID: &e.valueID})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Mine || c.RaisedBy != nil || c.RaisedByName != "" || c.Status != coaching.ConcernOpen || c.ValueName != "Empathetic" {
			t.Fatalf("raiser's view %+v", c)
		}
		// Leads see it with its author.
		lc, err := e.c.Concern(e.ctx(e.lead), e.lead, c.ID)
		if err != nil || lc.RaisedBy == nil || *lc.RaisedBy != raiser.ID || lc.RaisedByName == "" {
			t.Fatalf("lead's view %+v %v", lc, err)
		}
		if list, _ := e.c.Concerns(e.ctx(e.lead), e.lead, ""); len(list) != 1 || list[0].RaisedBy == nil {
			t.Fatalf("lead's list %+v", list)
		}
		// Nobody else sees it at all.
		if _, err := e.c.Concern(e.ctx(other), other, c.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("other read it: %v", err)
		}
		if list, _ := e.c.Concerns(e.ctx(other), other, ""); len(list) != 0 {
			t.Fatalf("other listed %d", len(list))
		}
		if list, _ := e.c.Concerns(e.ctx(raiser), raiser, ""); len(list) != 1 || list[0].RaisedBy != nil {
			t.Fatalf("raiser's list %+v", list)
		}
		// Only leads move it.
		if _, err := e.c.UpdateConcern(e.ctx(raiser), raiser, c.ID, coaching.ConcernUpdate{Status: coaching.ConcernDismissed}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("raiser moved it: %v", err)
		}
	})
}

func TestConcernLifecycle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		raiser := e.user("agent")
		c, err := e.c.RaiseConcern(e.ctx(raiser), raiser, coaching.NewConcern{Body: "A refund was refused unfairly."})
		if err != nil {
			t.Fatal(err)
		}
		move := func(status coaching.ConcernStatus, outcome *string) (*coaching.Concern, error) {
			return e.c.UpdateConcern(e.ctx(e.lead), e.lead, c.ID, coaching.ConcernUpdate{Status: status, Outcome: outcome})
		}
		if _, err := move(coaching.ConcernResolved, nil); !fieldIs(err, "outcome") {
			t.Fatalf("resolved without an outcome: %v", err)
		}
		if _, err := move("closed", nil); !fieldIs(err, "status") {
			t.Fatalf("unknown status: %v", err)
		}
		if got, err := move(coaching.ConcernInvestigating, nil); err != nil || got.Status != coaching.ConcernInvestigating {
			t.Fatalf("investigating: %+v %v", got, err)
		}
		if _, err := move(coaching.ConcernOpen, nil); !fieldIs(err, "status") {
			t.Fatalf("back to open: %v", err)
		}
		outcome := "We refunded the customer and changed the macro."
		if got, err := move(coaching.ConcernResolved, &outcome); err != nil || got.ClosedAt == nil {
			t.Fatalf("resolve: %+v %v", got, err)
		}
		mine, err := e.c.Concern(e.ctx(raiser), raiser, c.ID)
		if err != nil || mine.Outcome != outcome || mine.Status != coaching.ConcernResolved {
			t.Fatalf("raiser's outcome %+v %v", mine, err)
		}
		if _, err := move(coaching.ConcernDismissed, &outcome); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("moved a resolved concern: %v", err)
		}
		if _, err := e.c.RaiseConcern(e.ctx(raiser), raiser, coaching.NewConcern{Body: " "}); !fieldIs(err, "body") {
			t.Fatalf("empty concern: %v", err)
		}
		missing := int64(999999)
		if _, err := e.c.RaiseConcern(e.ctx(raiser), raiser, coaching.NewConcern{Body: "x", TicketID: &missing}); !fieldIs(err, "ticket_id") {
			t.Fatalf("missing ticket: %v", err)
		}
	})
}

func fieldIs(err error, field string) bool {
	ae, ok := apperr.As(err)
	return ok && ae.Field == field
}
