// Package staffing answers how many agents a queue needs: the Erlang C
// model of calls that wait in line (arrivals at random, handle times
// exponential, nobody hangs up), and a forecast of the next hours' arrivals
// from the same weekday hours of recent weeks.
package staffing

import (
	"math"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// MaxAgents bounds the search: a load that more agents than this would be
// needed for is refused rather than searched for ever.
const MaxAgents = 10000

// Defaults for the optional inputs.
const (
	DefaultGoal         = 0.8
	DefaultMaxOccupancy = 1.0
)

// Input is a queue to staff. Rates and times are per hour and in seconds.
type Input struct {
	ArrivalsPerHour float64 // contacts offered per hour
	AHTSeconds      float64 // average handle time: the team's, never one agent's
	TargetSeconds   float64 // answered within this is "in target"
	Goal            float64 // share to answer within target, in (0,1)
	MaxOccupancy    float64 // most share of time agents are busy, in (0,1]
	Shrinkage       float64 // share of paid time not on the queue, in [0,1)
	Agents          int     // when above zero, evaluate this many instead of searching
}

// Result is the recommendation, or the evaluation of Input.Agents.
type Result struct {
	Agents          int     `json:"agents"`
	Scheduled       int     `json:"scheduled"`
	ServiceLevel    float64 `json:"service_level"`
	WaitProbability float64 `json:"wait_probability"`
	ASASeconds      float64 `json:"asa_seconds"`
	Occupancy       float64 `json:"occupancy"`
	// OfferedLoad is the work arriving, in Erlangs (agents busy all the time).
	OfferedLoad float64 `json:"offered_load"`
}

// Check refuses inputs the model cannot answer, naming the field.
func (in Input) Check() error {
	switch {
	case !positive(in.ArrivalsPerHour):
		return apperr.Invalid("arrivals_per_hour", "must be a number above 0")
	case !positive(in.AHTSeconds):
		return apperr.Invalid("aht_seconds", "must be a number above 0")
	case !positive(in.TargetSeconds):
		return apperr.Invalid("target_seconds", "must be a number above 0")
	case !(in.Goal > 0 && in.Goal < 1):
		return apperr.Invalid("goal", "must be between 0 and 1, both excluded")
	case !(in.MaxOccupancy > 0 && in.MaxOccupancy <= 1):
		return apperr.Invalid("max_occupancy", "must be above 0 and at most 1")
	case !(in.Shrinkage >= 0 && in.Shrinkage < 1):
		return apperr.Invalid("shrinkage", "must be at least 0 and below 1")
	case in.Agents < 0 || in.Agents > MaxAgents:
		return apperr.Invalid("agents", "must be between 1 and %d", MaxAgents)
	}
	return nil
}

func positive(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

// Load is the offered load in Erlangs: arrivals per second times handle time.
func (in Input) Load() float64 { return in.ArrivalsPerHour / 3600 * in.AHTSeconds }

// Recommend answers Input: the fewest agents reaching the goal within the
// occupancy cap, or the evaluation of Input.Agents when it is set.
func Recommend(in Input) (Result, error) {
	if err := in.Check(); err != nil {
		return Result{}, err
	}
	a := in.Load()
	if in.Agents > 0 {
		if float64(in.Agents) <= a {
			return Result{}, apperr.Invalid("agents", "%d agents can never carry an offered load of %.2f Erlangs: the queue grows without end", in.Agents, a)
		}
		return in.evaluate(in.Agents, erlangB(in.Agents, a)), nil
	}
	// Erlang B for n agents follows from n-1's, so the search walks up from
	// one agent carrying each step's B along: O(agents) in all.
	b := 1.0
	for n := 1; n <= MaxAgents; n++ {
		b = erlangBStep(n, a, b)
		if float64(n) <= a {
			continue
		}
		r := in.evaluate(n, b)
		if r.ServiceLevel >= in.Goal && r.Occupancy <= in.MaxOccupancy {
			return r, nil
		}
	}
	return Result{}, apperr.Invalid("arrivals_per_hour", "an offered load of %.2f Erlangs needs more than %d agents", a, MaxAgents)
}

// evaluate gives the figures for n agents, whose Erlang B is b.
func (in Input) evaluate(n int, b float64) Result {
	a := in.Load()
	c := erlangC(n, a, b)
	spare := float64(n) - a
	return Result{
		Agents:          n,
		Scheduled:       scheduled(n, in.Shrinkage),
		ServiceLevel:    1 - c*math.Exp(-spare*in.TargetSeconds/in.AHTSeconds),
		WaitProbability: c,
		ASASeconds:      c * in.AHTSeconds / spare,
		Occupancy:       a / float64(n),
		OfferedLoad:     a,
	}
}

// scheduled is how many to put on the rota so that n are on the queue
// after shrinkage; a hair of tolerance keeps 10/(1-0.2) at 12.5, not 12.500001.
func scheduled(n int, shrinkage float64) int {
	return int(math.Ceil(float64(n)/(1-shrinkage) - 1e-9))
}

// erlangB is the blocking probability of n servers under load a, by the
// recursion B(0)=1, B(k)=a·B(k-1)/(k+a·B(k-1)): no factorials or powers,
// every step between 0 and 1, so it neither overflows nor loses precision.
func erlangB(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = erlangBStep(k, a, b)
	}
	return b
}

func erlangBStep(k int, a, prev float64) float64 {
	return a * prev / (float64(k) + a*prev)
}

// erlangC is the probability that a contact waits, from Erlang B:
// C = n·B / (n - a·(1-B)), for n > a.
func erlangC(n int, a, b float64) float64 {
	return float64(n) * b / (float64(n) - a*(1-b))
}
