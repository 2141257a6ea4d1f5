package hooksub

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const subColumns = `id, url, secret, events, filter, active, paused_reason, pause_after, failures,
	created_by, created_at, updated_at`

// scanSub reads a subscription; its secret stays sealed (in secret).
func scanSub(row interface{ Scan(...any) error }) (*Subscription, error) {
	s := &Subscription{}
	var evs, filter string
	err := row.Scan(&s.ID, &s.URL, &s.secret, &evs, &filter, &s.Active, &s.PausedReason, &s.PauseAfter,
		&s.Failures, &s.CreatedBy, db.ScanTime(&s.CreatedAt), db.ScanTime(&s.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(evs), &s.Events); err != nil {
		return nil, fmt.Errorf("hooksub: subscription %d: events: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(filter), &s.Filter); err != nil {
		return nil, fmt.Errorf("hooksub: subscription %d: filter: %w", s.ID, err)
	}
	return s, nil
}

func getSub(ctx context.Context, q db.Queryer, id int64) (*Subscription, error) {
	s, err := scanSub(q.QueryRowContext(ctx, `SELECT `+subColumns+` FROM webhook_subscriptions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound(fmt.Sprintf("webhook %d", id))
	}
	if err != nil {
		return nil, fmt.Errorf("hooksub: get subscription %d: %w", id, err)
	}
	return s, nil
}

// listSubs returns every subscription, or only the active ones.
func listSubs(ctx context.Context, q db.Queryer, activeOnly bool) ([]*Subscription, error) {
	query := `SELECT ` + subColumns + ` FROM webhook_subscriptions`
	if activeOnly {
		query += ` WHERE active`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("hooksub: list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []*Subscription
	for rows.Next() {
		s, err := scanSub(rows)
		if err != nil {
			return nil, fmt.Errorf("hooksub: scan subscription: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// encoded is a subscription's lists as stored.
func encoded(s *Subscription) (evs, filter string, err error) {
	e, err := json.Marshal(s.Events)
	if err != nil {
		return "", "", err
	}
	f, err := json.Marshal(s.Filter)
	return string(e), string(f), err
}

func insertSub(ctx context.Context, q db.Queryer, s *Subscription) error {
	evs, filter, err := encoded(s)
	if err != nil {
		return fmt.Errorf("hooksub: encode subscription: %w", err)
	}
	err = q.QueryRowContext(ctx, `
		INSERT INTO webhook_subscriptions (url, secret, events, filter, active, pause_after, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		s.URL, s.secret, evs, filter, s.Active, s.PauseAfter, s.CreatedBy, db.Time(s.CreatedAt)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("hooksub: create subscription: %w", err)
	}
	return nil
}

func updateSub(ctx context.Context, q db.Queryer, s *Subscription) error {
	evs, filter, err := encoded(s)
	if err != nil {
		return fmt.Errorf("hooksub: encode subscription: %w", err)
	}
	_, err = q.ExecContext(ctx, `
		UPDATE webhook_subscriptions SET url = $1, secret = $2, events = $3, filter = $4, active = $5,
			paused_reason = $6, pause_after = $7, failures = $8, updated_at = $9
		WHERE id = $10`,
		s.URL, s.secret, evs, filter, s.Active, s.PausedReason, s.PauseAfter, s.Failures, db.Time(s.UpdatedAt), s.ID)
	if err != nil {
		return fmt.Errorf("hooksub: update subscription %d: %w", s.ID, err)
	}
	return nil
}

// Delivery is one delivery of an event to a subscription, as its log shows
// it: the body posted (the same at every attempt) and how the last attempt
// went.
type Delivery struct {
	ID             int64           `json:"id"`
	SubscriptionID int64           `json:"subscription_id"`
	EventID        int64           `json:"event_id"`
	EventType      string          `json:"event_type"`
	Body           json.RawMessage `json:"body"`
	RedeliveryOf   *int64          `json:"redelivery_of"` // the delivery a manual redelivery repeats
	State          string          `json:"state"`         // pending, delivered, failed or skipped
	Attempts       int             `json:"attempts"`
	ResponseCode   *int            `json:"response_code"` // the last attempt's, null when none answered
	Error          string          `json:"error"`         // the last attempt's
	CreatedAt      time.Time       `json:"created_at"`
	AttemptedAt    *time.Time      `json:"attempted_at"`
	DeliveredAt    *time.Time      `json:"delivered_at"`
}

// States of a delivery.
const (
	StatePending   = "pending"
	StateDelivered = "delivered"
	StateFailed    = "failed"
	StateSkipped   = "skipped" // the subscription was paused or deleted before it went
)

const deliveryColumns = `id, subscription_id, event_id, event_type, body, redelivery_of, state, attempts,
	response_code, error, created_at, attempted_at, delivered_at`

func scanDelivery(row interface{ Scan(...any) error }) (*Delivery, error) {
	d := &Delivery{}
	var body string
	err := row.Scan(&d.ID, &d.SubscriptionID, &d.EventID, &d.EventType, &body, &d.RedeliveryOf, &d.State,
		&d.Attempts, &d.ResponseCode, &d.Error, db.ScanTime(&d.CreatedAt), db.ScanNullTime(&d.AttemptedAt),
		db.ScanNullTime(&d.DeliveredAt))
	if err != nil {
		return nil, err
	}
	d.Body = json.RawMessage(body)
	return d, nil
}

func getDelivery(ctx context.Context, q db.Queryer, subID, id int64) (*Delivery, error) {
	d, err := scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE id = $1 AND subscription_id = $2`, id, subID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound(fmt.Sprintf("delivery %d of webhook %d", id, subID))
	}
	if err != nil {
		return nil, fmt.Errorf("hooksub: get delivery %d: %w", id, err)
	}
	return d, nil
}

// listDeliveries returns a subscription's deliveries, newest first, those
// older than before (an id; 0 for the newest).
func listDeliveries(ctx context.Context, q db.Queryer, subID, before int64, limit int) ([]*Delivery, error) {
	query := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE subscription_id = $1`
	args := []any{subID}
	if before > 0 {
		query += ` AND id < $2`
		args = append(args, before)
	}
	rows, err := q.QueryContext(ctx, query+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("hooksub: list deliveries of %d: %w", subID, err)
	}
	defer rows.Close()
	var out []*Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("hooksub: scan delivery: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// insertDelivery records a delivery; an event's first delivery to a
// subscription is written once (ok false when it was already).
func insertDelivery(ctx context.Context, q db.Queryer, d *Delivery) (ok bool, err error) {
	err = q.QueryRowContext(ctx, `
		INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, body, redelivery_of, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (subscription_id, event_id) WHERE redelivery_of IS NULL DO NOTHING
		RETURNING id`,
		d.SubscriptionID, d.EventID, d.EventType, string(d.Body), d.RedeliveryOf, db.Time(d.CreatedAt)).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("hooksub: record delivery of event %d to %d: %w", d.EventID, d.SubscriptionID, err)
	}
	d.State = StatePending
	return true, nil
}

// recordAttempt writes how an attempt went.
func recordAttempt(ctx context.Context, q db.Queryer, d *Delivery) error {
	_, err := q.ExecContext(ctx, `
		UPDATE webhook_deliveries SET state = $1, attempts = $2, response_code = $3, error = $4,
			attempted_at = $5, delivered_at = $6
		WHERE id = $7`,
		d.State, d.Attempts, d.ResponseCode, d.Error, db.NullTime(d.AttemptedAt), db.NullTime(d.DeliveredAt), d.ID)
	if err != nil {
		return fmt.Errorf("hooksub: record attempt of delivery %d: %w", d.ID, err)
	}
	return nil
}

// adminAddresses lists the addresses of the admins who can sign in.
func adminAddresses(ctx context.Context, q db.Queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT email FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("hooksub: admins: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("hooksub: admins: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// missingTeam returns the first of ids that names no team, or 0.
func missingTeam(ctx context.Context, q db.Queryer, ids []int64) (int64, error) {
	for _, id := range ids {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1`, id).Scan(&n); err != nil {
			return 0, fmt.Errorf("hooksub: check team %d: %w", id, err)
		}
		if n == 0 {
			return id, nil
		}
	}
	return 0, nil
}
