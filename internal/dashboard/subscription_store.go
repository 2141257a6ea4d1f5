package dashboard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/timezone"
	"github.com/centerdesk/centerdesk/internal/user"
)

const subscriptionColumns = `s.id, s.user_id, s.dashboard_id, s.report, s.group_by, s.date_range, s.frequency, s.weekday,
	s.hour, s.created_at, (SELECT MAX(x.period) FROM report_subscription_sends x WHERE x.subscription_id = s.id)`

func scanSubscription(row interface{ Scan(...any) error }) (*Subscription, error) {
	var sub Subscription
	var dash, weekday sql.NullInt64
	var rep, last sql.NullString
	err := row.Scan(&sub.ID, &sub.UserID, &dash, &rep, &sub.GroupBy, &sub.Range, &sub.Frequency, &weekday,
		&sub.Hour, db.ScanTime(&sub.CreatedAt), &last)
	if err != nil {
		return nil, err
	}
	if dash.Valid {
		sub.DashboardID = &dash.Int64
	}
	if weekday.Valid {
		sub.Weekday = Weekdays[weekday.Int64]
	}
	sub.Report, sub.LastPeriod = rep.String, last.String
	return &sub, nil
}

func insertSubscription(ctx context.Context, tx *sql.Tx, sub *Subscription) error {
	var rep, weekday any
	if sub.Report != "" {
		rep = sub.Report
	}
	for i, d := range Weekdays {
		if d == sub.Weekday && sub.Frequency == Weekly {
			weekday = i
		}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO report_subscriptions
		(user_id, dashboard_id, report, group_by, date_range, frequency, weekday, hour, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, sub.UserID, sub.DashboardID, rep, sub.GroupBy,
		sub.Range, sub.Frequency, weekday, sub.Hour, db.Time(sub.CreatedAt)).Scan(&sub.ID)
	if err != nil {
		return fmt.Errorf("dashboard: insert subscription: %w", err)
	}
	return nil
}

func getSubscription(ctx context.Context, q db.Queryer, id int64) (*Subscription, error) {
	sub, err := scanSubscription(q.QueryRowContext(ctx, `SELECT `+subscriptionColumns+
		` FROM report_subscriptions s WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("subscription")
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard: subscription %d: %w", id, err)
	}
	return sub, nil
}

func listSubscriptions(ctx context.Context, q db.Queryer, userID int64) ([]*Subscription, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+subscriptionColumns+
		` FROM report_subscriptions s WHERE s.user_id = $1 ORDER BY s.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("dashboard: list subscriptions: %w", err)
	}
	defer rows.Close()
	out := []*Subscription{}
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("dashboard: scan subscription: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// recipient is who a subscription mails, as sending needs them: their
// address, their zone (the desk's while they chose none), and enough of
// them to check what they may see.
type recipient struct {
	user *user.User
	zone *time.Location
}

func loadRecipient(ctx context.Context, q db.Queryer, id int64) (*recipient, error) {
	u := &user.User{ID: id}
	var role string
	err := q.QueryRowContext(ctx, `SELECT email, name, role, time_zone, disabled_at FROM users WHERE id = $1`, id).
		Scan(&u.Email, &u.Name, &role, &u.TimeZone, db.ScanNullTime(&u.DisabledAt))
	if err != nil {
		return nil, fmt.Errorf("dashboard: recipient %d: %w", id, err)
	}
	u.Role = user.Role(role)
	r := &recipient{user: u, zone: timezone.Location(u.TimeZone)}
	if u.TimeZone == "" {
		if r.zone, err = settings.Location(ctx, q); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// wasSent reports whether the subscription's period was mailed already.
func wasSent(ctx context.Context, q db.Queryer, id int64, period string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_subscription_sends
		WHERE subscription_id = $1 AND period = $2`, id, period).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("dashboard: sends of %d: %w", id, err)
	}
	return n > 0, nil
}

func recordSent(ctx context.Context, tx *sql.Tx, id int64, period string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_subscription_sends (subscription_id, period, sent_at)
		VALUES ($1, $2, $3)`, id, period, db.Time(at))
	if err != nil {
		return fmt.Errorf("dashboard: record send %d %s: %w", id, period, err)
	}
	return nil
}
