package dashboard

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Subscription mails its user a dashboard, or one report, daily or weekly
// at an hour of the user's own time zone.
type Subscription struct {
	ID          int64  `json:"id"`
	UserID      int64  `json:"user_id"`      // the recipient, who made it
	DashboardID *int64 `json:"dashboard_id"` // set for a dashboard...
	Report      string `json:"report"`       // ...or this report, with group_by and range
	GroupBy     string `json:"group_by"`
	Range       string `json:"range"`
	Frequency   string `json:"frequency"` // daily or weekly
	Weekday     string `json:"weekday"`   // mon..sun for weekly, "" for daily
	Hour        int    `json:"hour"`      // 0..23 in time_zone
	// TimeZone is the recipient's zone now (the desk's while they have
	// none), in which hour and the report days are counted.
	TimeZone   string    `json:"time_zone"`
	NextSendAt time.Time `json:"next_send_at"` // in UTC
	LastPeriod string    `json:"last_period"`  // the local date last sent for, "" before the first
	CreatedAt  time.Time `json:"created_at"`
}

// NewSubscription is what subscribing takes: dashboard_id, or report with
// its group_by and range; frequency, weekday for weekly, and hour.
type NewSubscription struct {
	DashboardID *int64 `json:"dashboard_id"`
	Report      string `json:"report"`
	GroupBy     string `json:"group_by"`
	Range       string `json:"range"`
	Frequency   string `json:"frequency"`
	Weekday     string `json:"weekday"`
	Hour        *int   `json:"hour"`
}

// widget is the single report a subscription without a dashboard sends.
func (sub *Subscription) widget() Widget {
	return Widget{Report: sub.Report, GroupBy: sub.GroupBy, Range: sub.Range, Chart: "auto", Size: "full"}
}

func (n *NewSubscription) check() error {
	switch {
	case n.DashboardID != nil && n.Report != "":
		return apperr.Invalid("report", "give a dashboard_id or a report, not both")
	case n.DashboardID == nil && n.Report == "":
		return apperr.Invalid("dashboard_id", "give a dashboard_id, or a report with its group_by and range")
	case n.DashboardID == nil:
		w := Widget{Report: n.Report, GroupBy: n.GroupBy, Range: n.Range}
		if err := w.check(""); err != nil {
			return err
		}
		n.GroupBy, n.Range = w.GroupBy, w.Range
	default:
		if n.GroupBy != "" || n.Range != "" {
			return apperr.Invalid("range", "a dashboard's widgets carry their own group_by and range")
		}
	}
	if n.Frequency != Daily && n.Frequency != Weekly {
		return apperr.Invalid("frequency", "%q is not a frequency; use daily or weekly", n.Frequency)
	}
	if n.Frequency == Weekly && !slices.Contains(Weekdays, n.Weekday) {
		return apperr.Invalid("weekday", "%q is not a day; use %s", n.Weekday, strings.Join(Weekdays, ", "))
	}
	if n.Frequency == Daily && n.Weekday != "" {
		return apperr.Invalid("weekday", "a daily mail has no weekday")
	}
	if n.Hour == nil || *n.Hour < 0 || *n.Hour > 23 {
		return apperr.Invalid("hour", "give the hour of the day to send at, 0 to 23, in your time zone")
	}
	return nil
}

// Subscribe makes u a subscription to a dashboard u may open, or (leads
// and admins, who read reports) to one report, and queues its first send.
func (s *Service) Subscribe(ctx context.Context, u *user.User, n NewSubscription) (*Subscription, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	if n.DashboardID != nil {
		if _, err := s.Get(ctx, u, *n.DashboardID); apperr.Is(err, apperr.KindNotFound) {
			return nil, apperr.Invalid("dashboard_id", "no dashboard %d is shared with you", *n.DashboardID)
		} else if err != nil {
			return nil, err
		}
	} else if !u.IsLead() {
		return nil, apperr.Forbidden("only leads and admins read reports; subscribe to a dashboard shared with you")
	}
	sub := &Subscription{UserID: u.ID, DashboardID: n.DashboardID, Report: n.Report, GroupBy: n.GroupBy,
		Range: n.Range, Frequency: n.Frequency, Weekday: n.Weekday, Hour: *n.Hour, CreatedAt: s.now().UTC()}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insertSubscription(ctx, tx, sub); err != nil {
			return err
		}
		r, err := loadRecipient(ctx, tx, sub.UserID)
		if err != nil {
			return err
		}
		due := sub.next(r.zone, s.now())
		sub.TimeZone, sub.NextSendAt = r.zone.String(), due.At
		return s.queueSend(ctx, tx, sub.ID, due)
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// next is the subscription's first send after t in zone.
func (sub *Subscription) next(zone *time.Location, t time.Time) Due {
	return NextDue(sub.Frequency, time.Weekday(slices.Index(Weekdays, sub.Weekday)), sub.Hour, zone, t)
}

// Subscriptions lists u's own subscriptions, with when each is next sent.
func (s *Service) Subscriptions(ctx context.Context, u *user.User) ([]*Subscription, error) {
	q := s.db.Reader(ctx)
	subs, err := listSubscriptions(ctx, q, u.ID)
	if err != nil || len(subs) == 0 {
		return subs, err
	}
	r, err := loadRecipient(ctx, q, u.ID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		after := s.now()
		if sub.LastPeriod != "" {
			// The period last sent is over: the next is a later one.
			if d, err := time.ParseInLocation(time.DateOnly, sub.LastPeriod, r.zone); err == nil {
				after = later(after, DueOn(d, sub.Hour, r.zone))
			}
		}
		sub.TimeZone, sub.NextSendAt = r.zone.String(), sub.next(r.zone, after).At
	}
	return subs, nil
}

// Unsubscribe deletes subscription id, which must be u's own (admins may
// delete anyone's); its queued send then finds it gone and does nothing.
func (s *Service) Unsubscribe(ctx context.Context, u *user.User, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sub, err := getSubscription(ctx, tx, id)
		if err != nil {
			return err
		}
		if sub.UserID != u.ID && !u.IsAdmin() {
			return apperr.NotFound("subscription")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM report_subscriptions WHERE id = $1`, id)
		return err
	})
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
