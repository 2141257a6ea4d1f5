package staffing

import (
	"context"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Forecast bounds and defaults.
const (
	DefaultForecastHours = 8
	MaxForecastHours     = 48
	// ForecastWeeks is how many past weeks each hour's forecast averages.
	ForecastWeeks = 4
)

// ArrivalCounter counts tickets created per hour (hours since the epoch),
// on a channel or on all for "": the report roll-up answers it.
type ArrivalCounter interface {
	CreatedPerHour(ctx context.Context, channel string, hours []int64) (map[int64]int64, error)
}

// HourForecast is one coming hour: arrivals expected and who it needs.
type HourForecast struct {
	Start           time.Time `json:"start"`
	ArrivalsPerHour float64   `json:"arrivals_per_hour"`
	Agents          int       `json:"agents"`
	Scheduled       int       `json:"scheduled"`
	ServiceLevel    float64   `json:"service_level"`
	Occupancy       float64   `json:"occupancy"`
}

// Forecast is the next hours of one channel.
type Forecast struct {
	Channel string         `json:"channel"`
	Weeks   int            `json:"weeks"`
	Hours   []HourForecast `json:"hours"`
}

// ForecastHours expects each of the next hours (from the one now is in) to
// bring the average of the same weekday hour over the last ForecastWeeks
// weeks (a week before counts as none where the desk had no tickets yet),
// and sizes each with Erlang C from queue (whose ArrivalsPerHour and Agents
// are ignored). An hour expecting nobody needs no agents.
func ForecastHours(ctx context.Context, src ArrivalCounter, channel string, now time.Time, hours int, queue Input) (Forecast, error) {
	if hours < 1 || hours > MaxForecastHours {
		return Forecast{}, apperr.Invalid("hours", "must be between 1 and %d", MaxForecastHours)
	}
	queue.ArrivalsPerHour, queue.Agents = 1, 0
	if err := queue.Check(); err != nil {
		return Forecast{}, err
	}
	first := now.Unix() / 3600
	var past []int64
	for h := range int64(hours) {
		for w := int64(1); w <= ForecastWeeks; w++ {
			past = append(past, first+h-w*168)
		}
	}
	counts, err := src.CreatedPerHour(ctx, channel, past)
	if err != nil {
		return Forecast{}, err
	}
	f := Forecast{Channel: channel, Weeks: ForecastWeeks, Hours: make([]HourForecast, 0, hours)}
	for h := range int64(hours) {
		var sum int64
		for w := int64(1); w <= ForecastWeeks; w++ {
			sum += counts[first+h-w*168]
		}
		hf := HourForecast{Start: time.Unix((first+h)*3600, 0).UTC(), ArrivalsPerHour: float64(sum) / ForecastWeeks}
		if hf.ArrivalsPerHour > 0 {
			in := queue
			in.ArrivalsPerHour = hf.ArrivalsPerHour
			r, err := Recommend(in)
			if err != nil {
				return Forecast{}, err
			}
			hf.Agents, hf.Scheduled, hf.ServiceLevel, hf.Occupancy = r.Agents, r.Scheduled, r.ServiceLevel, r.Occupancy
		}
		f.Hours = append(f.Hours, hf)
	}
	return f, nil
}
