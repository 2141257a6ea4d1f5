package quality_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func TestDrawIsFairAndNeverRepeats(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.scorecard()
		a, b, c := e.user("agent"), e.user("agent"), e.user("agent")
		reopened := e.solvedTicket(a, 0, 1)
		long := e.solvedTicket(a, 10, 0)
		for range 4 {
			e.solvedTicket(a, 0, 0)
		}
		for range 4 {
			e.solvedTicket(b, 0, 0)
		}
		cFirst := e.solvedTicket(c, 0, 0)
		open, err := e.tickets.Create(e.ctx(e.lead), ticketFor())
		if err != nil {
			t.Fatal(err)
		}
		p := e.period(3)
		// Agent a reviews too: never their own tickets.
		reviewers := []int64{e.lead.ID, a.ID}
		res, err := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, reviewers, seeded(1))
		if err != nil {
			t.Fatal(err)
		}
		per := map[int64]int{}
		load := map[int64]int{}
		seen := map[int64]bool{}
		for _, as := range res.Drawn {
			per[as.AgentID]++
			load[as.ReviewerID]++
			if as.ReviewerID == as.AgentID {
				t.Fatalf("self-review %+v", as)
			}
			if seen[as.TicketID] || as.TicketID == open.ID {
				t.Fatalf("ticket %d drawn wrongly", as.TicketID)
			}
			seen[as.TicketID] = true
			if as.AgentID == a.ID && (as.TicketID == reopened || as.TicketID == long) != (as.Reason == quality.ReasonNeedsLook) {
				t.Fatalf("reason of %+v", as)
			}
		}
		if per[a.ID] != 3 || per[b.ID] != 3 || per[c.ID] != 1 || !seen[reopened] || !seen[long] || !seen[cFirst] {
			t.Fatalf("per agent %v, drew %+v", per, res.Drawn)
		}
		if diff := load[e.lead.ID] - load[a.ID]; diff < -1 || diff > 1 {
			t.Fatalf("reviewer load %v", load)
		}

		// Later in the week c solves more; a second draw tops c up and
		// draws nothing twice.
		e.solvedTicket(c, 0, 0)
		e.solvedTicket(c, 0, 0)
		e.solvedTicket(c, 0, 0)
		again, err := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, reviewers, seeded(2))
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Drawn) != 2 {
			t.Fatalf("second draw %+v", again.Drawn)
		}
		for _, as := range again.Drawn {
			if as.AgentID != c.ID || seen[as.TicketID] {
				t.Fatalf("second draw repeated or overfilled: %+v", as)
			}
		}
		queue, err := e.q.PeriodQueue(e.ctx(e.lead), e.lead, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) != 9 {
			t.Fatalf("%d in the period's queue", len(queue))
		}
		mine, err := e.q.Queue(e.ctx(a), a, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != load[a.ID]+countFor(again.Drawn, a.ID) {
			t.Fatalf("a's queue %d, want %d", len(mine), load[a.ID]+countFor(again.Drawn, a.ID))
		}
	})
}

func countFor(as []quality.Assignment, reviewer int64) int {
	n := 0
	for _, a := range as {
		if a.ReviewerID == reviewer {
			n++
		}
	}
	return n
}

func TestDrawIsRepeatableWithASeed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.scorecard()
		r1, r2, r3 := e.user("agent"), e.user("agent"), e.user("agent")
		for _, ag := range []int64{r1.ID, r2.ID, r3.ID} {
			for i := range 6 {
				e.solvedTicket(e.userByID(ag), i%3*4, i%2)
			}
		}
		reviewers := []int64{e.lead.ID, r1.ID, r2.ID, r3.ID}
		draw := func(days int, seed uint64) [][3]int64 {
			now := db.Now()
			from, to := now.Add(-time.Duration(days)*24*time.Hour), now.Add(time.Duration(days)*24*time.Hour)
			p, err := e.q.CreatePeriod(e.ctx(e.lead), e.lead, quality.NewPeriod{StartsAt: &from, EndsAt: &to, PerAgent: 4})
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, reviewers, seeded(seed))
			if err != nil {
				t.Fatal(err)
			}
			var out [][3]int64
			for _, as := range res.Drawn {
				out = append(out, [3]int64{as.TicketID, as.ReviewerID, int64(len(as.Reason))})
			}
			return out
		}
		first, same := draw(2, 42), draw(3, 42)
		if len(first) != 12 || !slices.Equal(first, same) {
			t.Fatalf("same seed, different draws:\n%v\n%v", first, same)
		}
		differs := false
		for seed := uint64(1); seed < 6 && !differs; seed++ {
			differs = !slices.Equal(first, draw(3+int(seed), seed))
		}
		if !differs {
			t.Fatal("five other seeds all drew the same")
		}
	})
}

func TestDrawWithoutAnotherReviewer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.scorecard()
		a := e.user("agent")
		e.solvedTicket(a, 0, 0)
		p := e.period(2)
		res, err := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, []int64{a.ID}, seeded(1))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Drawn) != 0 || !slices.Equal(res.AgentsWithoutReviewer, []int64{a.ID}) {
			t.Fatalf("drew %+v", res)
		}
		if _, err := e.q.Draw(e.ctx(a), a, p.ID, nil, seeded(1)); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent drew: %v", err)
		}
		if _, err := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, []int64{999999}, seeded(1)); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("unknown reviewer: %v", err)
		}
	})
}

func TestConcurrentDrawsOfAPeriodDoNotOverfill(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.scorecard()
		a := e.user("agent")
		for range 6 {
			e.solvedTicket(a, 0, 0)
		}
		p := e.period(3)
		errs := make(chan error, 4)
		for i := range 4 {
			go func() {
				_, err := e.q.Draw(e.ctx(e.lead), e.lead, p.ID, nil, seeded(uint64(i)))
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if n := testutil.Count(t, d, "review_assignments"); n != 3 {
			t.Fatalf("%d drawn by 4 concurrent draws of 3 per agent", n)
		}
	})
}
