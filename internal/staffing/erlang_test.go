package staffing

import (
	"math"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// The classic worked example (100 calls in 30 minutes, 3 minutes' handle
// time, 20 seconds' target) as published, e.g. in Wikipedia's Erlang C
// article; the figures below were re-derived independently with exact
// rational arithmetic (the factorial form) and 50-digit decimals, not with
// this package.
var classic = []struct {
	agents             int
	wait, sl, asa, occ float64
}{
	{11, 0.682118, 0.389614, 122.781277, 0.909091},
	{12, 0.449388, 0.640158, 40.444940, 0.833333},
	{13, 0.285270, 0.795595, 17.116227, 0.769231},
	{14, 0.174132, 0.888350, 7.835937, 0.714286},
	{15, 0.102042, 0.941453, 3.673525, 0.666667},
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

func TestEvaluateMatchesPublishedFigures(t *testing.T) {
	for _, c := range classic {
		in := Input{ArrivalsPerHour: 200, AHTSeconds: 180, TargetSeconds: 20, Goal: 0.8, MaxOccupancy: 1, Agents: c.agents}
		r, err := Recommend(in)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "wait probability", r.WaitProbability, c.wait, 5e-5)
		near(t, "service level", r.ServiceLevel, c.sl, 5e-5)
		near(t, "ASA", r.ASASeconds, c.asa, 5e-3)
		near(t, "occupancy", r.Occupancy, c.occ, 5e-5)
		near(t, "load", r.OfferedLoad, 10, 1e-12)
	}
}

func TestRecommendFindsTheFewestAgentsForTheGoal(t *testing.T) {
	cases := []struct {
		goal, maxOcc, shrink float64
		agents, scheduled    int
	}{
		{0.8, 1, 0, 14, 14},      // 13 reach 79.6%, 14 reach 88.8%
		{0.79, 1, 0, 13, 13},     // 13 reach 79.6%
		{0.9, 1, 0.3, 15, 22},    // 14 reach 88.8%; 15/0.7 = 21.4
		{0.5, 0.75, 0.2, 14, 18}, // 12 reach the goal, but 13 are 76.9% busy
	}
	for _, c := range cases {
		r, err := Recommend(Input{ArrivalsPerHour: 200, AHTSeconds: 180, TargetSeconds: 20,
			Goal: c.goal, MaxOccupancy: c.maxOcc, Shrinkage: c.shrink})
		if err != nil {
			t.Fatal(err)
		}
		if r.Agents != c.agents || r.Scheduled != c.scheduled {
			t.Errorf("goal %v occupancy %v shrinkage %v: %d agents, %d scheduled; want %d, %d",
				c.goal, c.maxOcc, c.shrink, r.Agents, r.Scheduled, c.agents, c.scheduled)
		}
	}
}

// A large queue (500 Erlangs) stays exact: figures from the same
// independent calculation as the classic example.
func TestLargeLoadsStayStable(t *testing.T) {
	in := Input{ArrivalsPerHour: 6000, AHTSeconds: 300, TargetSeconds: 20, Goal: 0.8, MaxOccupancy: 1}
	for _, c := range []struct {
		agents   int
		wait, sl float64
	}{{510, 0.550211, 0.717512}, {520, 0.274756, 0.927575}} {
		in.Agents = c.agents
		r, err := Recommend(in)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "wait probability", r.WaitProbability, c.wait, 5e-5)
		near(t, "service level", r.ServiceLevel, c.sl, 5e-5)
	}
	// 1,900 Erlangs: about 2,000 agents, found without overflow.
	in = Input{ArrivalsPerHour: 22800, AHTSeconds: 300, TargetSeconds: 20, Goal: 0.95, MaxOccupancy: 1}
	r, err := Recommend(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agents <= 1900 || r.Agents > 2000 || math.IsNaN(r.ServiceLevel) || r.ServiceLevel < 0.95 {
		t.Errorf("1,900 Erlangs: %+v", r)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	good := Input{ArrivalsPerHour: 200, AHTSeconds: 180, TargetSeconds: 20, Goal: 0.8, MaxOccupancy: 1}
	cases := map[string]func(*Input){
		"arrivals_per_hour": func(in *Input) { in.ArrivalsPerHour = 0 },
		"aht_seconds":       func(in *Input) { in.AHTSeconds = -3 },
		"target_seconds":    func(in *Input) { in.TargetSeconds = math.Inf(1) },
		"goal":              func(in *Input) { in.Goal = 1 },
		"max_occupancy":     func(in *Input) { in.MaxOccupancy = 0 },
		"shrinkage":         func(in *Input) { in.Shrinkage = 1 },
		"agents":            func(in *Input) { in.Agents = 10 }, // 10 agents for 10 Erlangs
	}
	for field, spoil := range cases {
		in := good
		spoil(&in)
		_, err := Recommend(in)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid || e.Field != field {
			t.Errorf("%s: %v, want invalid %s", field, err, field)
		}
	}
	if _, err := Recommend(Input{ArrivalsPerHour: 1e9, AHTSeconds: 300, TargetSeconds: 20, Goal: 0.8, MaxOccupancy: 1}); !apperr.Is(err, apperr.KindInvalid) {
		t.Errorf("a load beyond %d agents: %v", MaxAgents, err)
	}
}
