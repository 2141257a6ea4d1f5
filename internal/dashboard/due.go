package dashboard

import "time"

// Frequencies of a subscription.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// Weekdays are the days a weekly subscription may name, as the API spells
// them, indexed by time.Weekday.
var Weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Due is one send of a subscription: the instant it is due, and the period
// it stands for (the local date it is due on, in the recipient's zone),
// which is what makes a send happen once.
type Due struct {
	At     time.Time
	Period string
}

// NextDue is the first send strictly after after: at hour:00 of the
// recipient's zone, every day (daily) or on weekday (weekly). Days follow
// the zone's rules: on the day clocks spring forward past hour, the send
// is at the same distance after the gap (02:30 that does not exist is
// 03:30); on the day they fall back, at the first of the two hours.
func NextDue(frequency string, weekday time.Weekday, hour int, zone *time.Location, after time.Time) Due {
	local := after.In(zone)
	for i := 0; ; i++ {
		// Noon of each day, so adding days never slips across midnight.
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, zone)
		if frequency == Weekly && day.Weekday() != weekday {
			continue
		}
		at := DueOn(day, hour, zone)
		if at.After(after) {
			return Due{At: at.UTC(), Period: day.Format(time.DateOnly)}
		}
	}
}

// DueOn is the instant hour:00 of day's date in zone.
func DueOn(day time.Time, hour int, zone *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, zone)
}
