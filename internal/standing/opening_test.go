package standing_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestFewReviewsGiveNoScore(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.setConfig(standing.ConfigPatch{MinReviews: ptr(standing.DefaultConfig().MinReviews)})
		a, b, c := e.user("agent"), e.user("agent"), e.user("agent")
		for range 3 {
			e.solved(a, false)
		}
		tk := e.solved(b, false)
		e.solved(c, false)
		e.reviewAll(map[int64]int{a.ID: 5, b.ID: 5}) // c is drawn but not reviewed
		e.award(c, tk)                               // c's badges alone scored 100 before

		board, err := e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
		if err != nil {
			t.Fatal(err)
		}
		if board.MinReviews != 3 {
			t.Errorf("board's minimum %d", board.MinReviews)
		}
		if st := rowOf(board, a.ID); st == nil || st.Score == nil || st.Reason != "" || st.Reviews != 3 {
			t.Errorf("a, with 3 reviews: %+v", st)
		}
		for _, who := range []struct {
			id      int64
			reviews int
		}{{b.ID, 1}, {c.ID, 0}} {
			st := rowOf(board, who.id)
			if st == nil || st.Score != nil || st.Tier != standing.None || st.Move != nil ||
				st.Reason != standing.ReasonFewReviews || st.Reviews != who.reviews || len(st.Parts) == 0 {
				t.Errorf("agent %d with %d reviews: %+v", who.id, who.reviews, st)
			}
		}
		if board.Rows[0].AgentID != a.ID {
			t.Errorf("the scored agent is not first: %+v", board.Rows)
		}
		// A minimum of 1 scores b, but still not c.
		e.setConfig(standing.ConfigPatch{MinReviews: ptr(1)})
		board, _ = e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
		if rowOf(board, b.ID).Score == nil || rowOf(board, c.ID).Score != nil {
			t.Errorf("minimum 1: b %+v, c %+v", rowOf(board, b.ID), rowOf(board, c.ID))
		}
		if _, err := e.s.UpdateConfig(e.ctx(e.lead), e.lead, standing.ConfigPatch{MinReviews: ptr(-1)}); err == nil {
			t.Error("a negative minimum was taken")
		}
	})
}

func TestBoardOpensOnTheLastCompletePeriodWithData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.user("agent")
		e.solved(a, false)
		e.reviewAll(map[int64]int{a.ID: 4})
		// Move the reviewed period into the past, behind one that ended
		// later with nothing in it; a new one has just begun.
		now := db.Now()
		if _, err := d.Write().Exec(`UPDATE review_periods SET starts_at = $1, ends_at = $2 WHERE id = $3`,
			db.Time(now.Add(-16*24*time.Hour)), db.Time(now.Add(-9*24*time.Hour)), e.period.ID); err != nil {
			t.Fatal(err)
		}
		e.period.StartsAt, e.period.EndsAt = now.Add(-16*24*time.Hour), now.Add(-9*24*time.Hour)
		empty := e.newPeriod(now.Add(-8*24*time.Hour), now.Add(-time.Hour))
		current := e.newPeriod(now.Add(-time.Hour), now.Add(6*24*time.Hour))

		board, err := e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
		if err != nil {
			t.Fatal(err)
		}
		if board.Period.ID != e.period.ID || rowOf(board, a.ID) == nil {
			t.Fatalf("opened on period %d, want %d (empty %d, current %d)", board.Period.ID, e.period.ID, empty.ID, current.ID)
		}
		p, err := e.s.Profile(e.ctx(a), a, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Period == nil || p.Period.ID != e.period.ID || p.Standing == nil || p.Standing.Score == nil {
			t.Fatalf("the agent's page shows period %+v, standing %+v", p.Period, p.Standing)
		}
		// Asked for by id, the current period is there, with no review.
		board, _ = e.s.Leaderboard(e.ctx(e.lead), e.lead, current.ID)
		if board.Period.ID != current.ID || rowOf(board, a.ID) == nil || rowOf(board, a.ID).Reviews != 0 {
			t.Errorf("current period %+v", board)
		}
	})
}

func TestBoardWithoutACompletePeriodOpensOnTheCurrentOne(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := db.Now()
		e.newPeriod(now.Add(48*time.Hour), now.Add(96*time.Hour)) // not started
		board, err := e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
		if err != nil || board.Period.ID != e.period.ID {
			t.Fatalf("board %+v, %v; want period %d", board, err, e.period.ID)
		}
	})
}

func (e *env) newPeriod(from, to time.Time) *quality.Period {
	e.t.Helper()
	p, err := e.q.CreatePeriod(e.ctx(e.lead), e.lead, quality.NewPeriod{StartsAt: &from, EndsAt: &to, PerAgent: 10})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}
