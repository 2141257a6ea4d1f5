// Package staffingapi is the staffing part of the JSON API: the Erlang C
// recommendation and the next hours' forecast.
package staffingapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Forecast defaults where the query leaves them out.
const (
	DefaultAHTSeconds    = 300
	DefaultTargetSeconds = 20
)

// Section serves the staffing routes.
type Section struct {
	Arrivals staffing.ArrivalCounter
	// Plan are the sources of the staffing plan; the plan's route answers
	// only when they are set.
	Plan *staffing.Sources
	Now  func() time.Time // the clock; time.Now when nil
}

var queueQuery = []string{
	"aht_seconds: average handle time in seconds, the team's (above 0)",
	"target_seconds: answered within this many seconds counts as in target (above 0)",
	"goal: the share to answer within target, between 0 and 1 (default 0.8)",
	"max_occupancy: the most share of time agents may be busy, above 0 and at most 1 (default 1)",
	"shrinkage: the share of paid time not on the queue (breaks, training), at least 0 and below 1 (default 0)",
}

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/staffing", Who: apikit.Lead, Handler: s.recommend, Doc: apikit.Op{
			Summary: "Erlang C: the fewest agents that answer goal of arrivals within target_seconds with occupancy at most " +
				"max_occupancy, with scheduled = agents / (1 - shrinkage) rounded up, and at that number service_level, " +
				"wait_probability, asa_seconds (average speed of answer) and occupancy; with agents, evaluates that many instead. " +
				"400 for rates or times that are not above 0, goals outside (0,1), or a load the agents can never carry",
			Query: append([]string{"arrivals_per_hour: contacts offered per hour (above 0)"},
				append(slices.Clone(queueQuery), "agents: evaluate this many agents instead of searching")...),
			Out: staffing.Result{}}},
		{Pattern: "GET /api/v1/staffing/forecast", Who: apikit.Lead, Handler: s.forecast, Doc: apikit.Op{
			Summary: "The next hours of a channel, from the hour now is in: arrivals per hour expected (the average of the same " +
				"weekday hour over the last 4 weeks of tickets created) and, per hour, the Erlang C agents and scheduled " +
				"people it needs. Handle time, target and goal default to 300 s, 20 s and 0.8",
			Query: append([]string{"channel: email, portal, api, chat or phone; empty for every channel",
				"hours: how many hours ahead, 1 to 48 (default 8)"}, queueQuery...),
			Out: staffing.Forecast{}}},
		{Pattern: "GET /api/v1/staffing/plan", Who: apikit.Lead, Handler: s.plan, Doc: apikit.Op{
			Summary: "The staffing plan of the next hours, from the one now is in, in the desk's time zone (its default " +
				"schedule's; UTC without one). Per live channel (phone, then chat): arrivals expected per hour (the same " +
				"weekday hour of the last 4 weeks), agents_needed by Erlang C with the desk's handle time for the channel " +
				"(the mean creation-to-solve time of its tickets solved within 2 hours over the last 28 days; 300 s with " +
				"fewer than 5), the first-reply target of the first SLA policy matching a normal ticket of the channel " +
				"(else 20 s for phone, 60 s for chat) and the desk's service-level goal; agents_online (a live heartbeat " +
				"on any ticket now, the best known figure for every hour as the desk keeps no rota), agents_available " +
				"(those left after the channels before), add, and recommendations merging consecutive hours that ask for " +
				"the same number (\"add 2 people 14:00-16:00\", with from, to and add). Email: open_tickets × 600 s of " +
				"work against the agents left after this hour's live needs × the hours until the nearest first-reply, " +
				"next-reply or resolution deadline of an email clock (the horizon without one); short_hours when the " +
				"work is more. Never a handle-time target on one agent: handle times are the desk's",
			Query: []string{"hours: how many hours ahead, 1 to 48 (default 8)"},
			Out:   staffing.PlanResult{}}},
	}
}

func (s Section) plan(w http.ResponseWriter, r *http.Request) error {
	if s.Plan == nil {
		return apperr.NotFound("staffing plan")
	}
	hours, err := hoursOf(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := staffing.Plan(r.Context(), *s.Plan, s.now(), hours)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s Section) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// hoursOf reads the hours ahead a forecast or plan covers.
func hoursOf(q url.Values) (int, error) {
	v := q.Get("hours")
	if v == "" {
		return staffing.DefaultForecastHours, nil
	}
	hours, err := strconv.Atoi(v)
	if err != nil || hours < 1 || hours > staffing.MaxForecastHours {
		return 0, apperr.Invalid("hours", "must be a whole number from 1 to %d", staffing.MaxForecastHours)
	}
	return hours, nil
}

func (s Section) recommend(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	in, err := queue(q, 0, 0)
	if err != nil {
		return err
	}
	if in.ArrivalsPerHour, err = number(q, "arrivals_per_hour", 0, true); err != nil {
		return err
	}
	if v := q.Get("agents"); v != "" {
		if in.Agents, err = strconv.Atoi(v); err != nil || in.Agents < 1 {
			return apperr.Invalid("agents", "must be a whole number above 0")
		}
	}
	res, err := staffing.Recommend(in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (s Section) forecast(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	in, err := queue(q, DefaultAHTSeconds, DefaultTargetSeconds)
	if err != nil {
		return err
	}
	channel := q.Get("channel")
	if channel != "" && !slices.Contains(ticket.Channels, channel) {
		return apperr.Invalid("channel", "%q is not a channel; channels are %s", channel, strings.Join(ticket.Channels, ", "))
	}
	hours, err := hoursOf(q)
	if err != nil {
		return err
	}
	f, err := staffing.ForecastHours(r.Context(), s.Arrivals, channel, s.now(), hours, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

// queue reads the queue's parameters; aht and target are required where
// their defaults are 0.
func queue(q url.Values, aht, target float64) (staffing.Input, error) {
	in := staffing.Input{Goal: staffing.DefaultGoal, MaxOccupancy: staffing.DefaultMaxOccupancy}
	var err error
	if in.AHTSeconds, err = number(q, "aht_seconds", aht, aht == 0); err != nil {
		return in, err
	}
	if in.TargetSeconds, err = number(q, "target_seconds", target, target == 0); err != nil {
		return in, err
	}
	if in.Goal, err = number(q, "goal", in.Goal, false); err != nil {
		return in, err
	}
	if in.MaxOccupancy, err = number(q, "max_occupancy", in.MaxOccupancy, false); err != nil {
		return in, err
	}
	if in.Shrinkage, err = number(q, "shrinkage", 0, false); err != nil {
		return in, err
	}
	return in, nil
}

func number(q url.Values, field string, fallback float64, required bool) (float64, error) {
	v := q.Get(field)
	if v == "" {
		if required {
			return 0, apperr.Invalid(field, "is required")
		}
		return fallback, nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, apperr.Invalid(field, "%q is not a number", v)
	}
	return x, nil
}
