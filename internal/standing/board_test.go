package standing_test

import (
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func rowOf(b *standing.Board, agent int64) *standing.Standing {
	for i := range b.Rows {
		if b.Rows[i].AgentID == agent {
			return &b.Rows[i]
		}
	}
	return nil
}

func TestBalancedScoreFromData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a, b, c := e.user("agent"), e.user("agent"), e.user("agent")
		tk := e.solved(a, false)
		e.solved(a, true)
		e.solved(b, false)
		e.solved(c, false)
		e.reviewAll(map[int64]int{a.ID: 4, b.ID: 5}) // c's ticket is drawn but not reviewed
		e.award(a, tk)

		board, err := e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
		if err != nil {
			t.Fatal(err)
		}
		if board.Period.ID != e.period.ID || len(board.Rows) != 3 {
			t.Fatalf("board %+v", board)
		}
		for _, tc := range []struct {
			agent int64
			score float64
			tier  standing.Tier
			parts int
		}{
			// (60*75 + 20*33.33 + 20*50) / 100
			{a.ID, 61.67, standing.Orange, 3},
			// (60*100 + 20*0 + 20*100) / 100: exactly on the green cut-off
			{b.ID, 80, standing.Green, 3},
			// (20*0 + 20*100) / 40: no review, so quality does not apply
			{c.ID, 50, standing.Red, 2},
		} {
			st := rowOf(board, tc.agent)
			if st == nil || st.Score == nil || *st.Score != tc.score || st.Tier != tc.tier || len(st.Parts) != tc.parts {
				t.Fatalf("agent %d: %+v, want %v %s with %d parts", tc.agent, st, tc.score, tc.tier, tc.parts)
			}
		}
		if board.Rows[0].AgentID != b.ID || board.Rows[2].AgentID != c.ID {
			t.Fatalf("not best first: %+v", board.Rows)
		}
		m := rowOf(board, a.ID).Move
		if m == nil || m.NextTier != standing.Green || m.Points != 18.33 || m.Weakest != "badges" {
			t.Fatalf("a's move %+v", m)
		}
		// Raising the cut-off by a hundredth drops b to orange: the
		// cut-off itself is in the tier.
		e.setConfig(standing.ConfigPatch{GreenFrom: ptr(80.01)})
		board, _ = e.s.Leaderboard(e.ctx(e.lead), e.lead, e.period.ID)
		if st := rowOf(board, b.ID); st.Tier != standing.Orange {
			t.Fatalf("b at 80 with green from 80.01: %q", st.Tier)
		}
	})
}

func TestEveryoneCanBeGreen(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ratings := map[int64]int{}
		for range 4 {
			a := e.user("agent")
			e.solved(a, false)
			ratings[a.ID] = 5
		}
		e.reviewAll(ratings)
		e.setConfig(standing.ConfigPatch{GreenFrom: ptr(100.0), OrangeFrom: ptr(90.0)})
		board, err := e.s.Leaderboard(e.ctx(e.lead), e.lead, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(board.Rows) != 4 {
			t.Fatalf("%d rows", len(board.Rows))
		}
		for _, st := range board.Rows {
			if st.Tier != standing.Green {
				t.Fatalf("agent %d is %q with %v: a quota?", st.AgentID, st.Tier, *st.Score)
			}
		}
	})
}

func TestStandingVisibility(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a, b := e.user("agent"), e.user("agent")
		e.solved(a, false)
		e.solved(b, true)
		e.reviewAll(map[int64]int{a.ID: 3, b.ID: 5})

		// Leads only (the default): an agent sees their own row, with what
		// would move it, and nobody else's.
		board, err := e.s.Leaderboard(e.ctx(a), a, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(board.Rows) != 1 || board.Rows[0].AgentID != a.ID || board.Rows[0].Move == nil || board.Everyone {
			t.Fatalf("agent's board %+v", board)
		}
		if _, err := e.s.AgentStanding(e.ctx(a), a, b.ID, 0); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("a read b's standing: %v", err)
		}
		if _, err := e.s.Profile(e.ctx(a), a, b.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("a read b's page: %v", err)
		}
		if _, err := e.s.UpdateConfig(e.ctx(a), a, standing.ConfigPatch{GreenFrom: ptr(1.0)}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an agent set the cut-offs: %v", err)
		}

		// Everyone: the whole board, but what would move it stays private.
		everyone := standing.VisibleToEveryone
		e.setConfig(standing.ConfigPatch{VisibleTo: &everyone})
		board, _ = e.s.Leaderboard(e.ctx(a), a, 0)
		if len(board.Rows) != 2 || rowOf(board, b.ID).Move != nil || rowOf(board, a.ID).Move == nil {
			t.Fatalf("open board %+v", board)
		}
		p, err := e.s.Profile(e.ctx(a), a, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ShowReviews || len(p.Reviews) != 0 || p.Standing == nil || p.Standing.Move != nil {
			t.Fatalf("b's page as a: %+v", p)
		}
	})
}

func TestOwnProfile(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.user("agent")
		tk := e.solved(a, false)
		e.solved(a, false)
		e.reviewAll(map[int64]int{a.ID: 4})
		e.award(a, tk)
		p, err := e.s.Profile(e.ctx(a), a, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Own || !p.ShowReviews || len(p.Reviews) != 2 || len(p.Trend) != 1 || p.Trend[0].Score == nil ||
			*p.Trend[0].Score != 75 {
			t.Fatalf("own page %+v", p)
		}
		if len(p.Values) != 1 || p.Values[0].Name != "Empathetic" || p.Values[0].Mean != 75 || p.Values[0].Ratings != 2 {
			t.Fatalf("values %+v", p.Values)
		}
		last := len(p.Months) - 1
		if len(p.Badges) != 1 || p.Badges[0].Total != 1 || p.Badges[0].ByMonth[last] != 1 {
			t.Fatalf("badges %+v", p.Badges)
		}
		if p.Standing == nil || p.Standing.Move == nil || p.Standing.Tier == standing.None {
			t.Fatalf("standing %+v", p.Standing)
		}
	})
}

func ptr[T any](v T) *T { return &v }
