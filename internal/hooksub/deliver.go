package hooksub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// Job kinds.
const (
	KindDeliver = "hooksub.deliver"
	KindEmail   = "hooksub.email"
)

// RetryFor is how long a delivery is retried before it is given up.
const RetryFor = 24 * time.Hour

// deliverAttempts bounds the attempts of a delivery above what RetryFor
// allows with the queue's backoff (10 s doubling to an hour: about 32 in a
// day); RetryFor is what ends them.
const deliverAttempts = 40

// Headers of a post besides webhook.SignatureHeader.
const (
	EventHeader    = "Centerdesk-Event"    // the event type
	EventIDHeader  = "Centerdesk-Event-Id" // the event id, as in the body
	DeliveryHeader = "Centerdesk-Delivery" // the delivery id of the log
)

type deliverJob struct {
	DeliveryID     int64 `json:"delivery_id"`
	SubscriptionID int64 `json:"subscription_id"`
}

type emailJob struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// deliverJob is one attempt of a delivery. The body was fixed when the
// event was read; the signature is made at each attempt with the
// subscription's current secret. Each attempt is logged, and counted
// toward pausing the subscription.
func (s *Service) deliverJob(ctx context.Context, j *jobs.Job) error {
	var p deliverJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	q := s.db.Reader(ctx)
	sub, err := getSub(ctx, q, p.SubscriptionID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // deleted, with its log: nobody is waiting for it
	}
	if err != nil {
		return err
	}
	d, err := getDelivery(ctx, q, p.SubscriptionID, p.DeliveryID)
	if err != nil {
		return err
	}
	if d.State != StatePending {
		return nil // a rerun of a finished attempt
	}
	if !sub.Active && d.RedeliveryOf == nil {
		return s.skip(ctx, d)
	}
	secret, err := s.box.Open(sub.secret)
	if err != nil {
		return fmt.Errorf("hooksub: open the secret of webhook %d (was the secret key changed?): %w", sub.ID, err)
	}
	header := http.Header{}
	header.Set(webhook.SignatureHeader, webhook.Sign(secret, s.now(), d.Body))
	header.Set(EventHeader, d.EventType)
	header.Set(EventIDHeader, strconv.FormatInt(d.EventID, 10))
	header.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
	code, postErr := webhook.Post(ctx, s.opts.Egress, sub.URL, d.Body, header)
	if postErr != nil && !jobs.IsPermanent(postErr) && s.now().Sub(d.CreatedAt) >= RetryFor {
		postErr = jobs.Permanent(fmt.Errorf("%w (given up after %s)", postErr, RetryFor))
	}
	final := postErr == nil || jobs.IsPermanent(postErr) || j.LastAttempt()
	if err := s.logAttempt(ctx, sub.ID, d, j.Attempts, code, postErr, final); err != nil {
		return err
	}
	if postErr != nil {
		return fmt.Errorf("hooksub: %w", postErr)
	}
	return nil
}

// skip ends a delivery to a paused subscription unsent; an admin may
// redeliver it from the log.
func (s *Service) skip(ctx context.Context, d *Delivery) error {
	d.State, d.Error = StateSkipped, "the webhook was paused"
	return recordAttempt(ctx, s.db.Writer(ctx), d)
}

// logAttempt records an attempt in the log and its subscription's run of
// failures, pausing the subscription when the run reaches its limit.
func (s *Service) logAttempt(ctx context.Context, subID int64, d *Delivery, attempt, code int, postErr error, final bool) error {
	now := s.now()
	d.Attempts, d.AttemptedAt, d.ResponseCode, d.Error = attempt, &now, nil, ""
	if code != 0 {
		d.ResponseCode = &code
	}
	switch {
	case postErr == nil:
		d.State, d.DeliveredAt = StateDelivered, &now
	case final:
		d.State, d.Error = StateFailed, postErr.Error()
	default:
		d.Error = postErr.Error()
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := recordAttempt(ctx, tx, d); err != nil {
			return err
		}
		return s.countFailure(ctx, tx, subID, d, postErr == nil)
	})
}

// countFailure resets a subscription's failures on success and counts
// them otherwise; at pause_after it pauses the subscription and mails the
// admins. Both are single guarded UPDATEs, so two deliveries failing at once
// on two nodes count twice and pause (and mail) once.
func (s *Service) countFailure(ctx context.Context, tx *sql.Tx, subID int64, d *Delivery, ok bool) error {
	now := db.Time(s.now())
	if ok {
		_, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET failures = 0 WHERE id = $1 AND failures <> 0`, subID)
		if err != nil {
			return fmt.Errorf("hooksub: reset failures of %d: %w", subID, err)
		}
		return nil
	}
	var failures, pauseAfter int
	var active bool
	err := tx.QueryRowContext(ctx, `UPDATE webhook_subscriptions SET failures = failures + 1 WHERE id = $1
		RETURNING failures, pause_after, active`, subID).Scan(&failures, &pauseAfter, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("hooksub: count failures of %d: %w", subID, err)
	}
	if !active || failures < pauseAfter {
		return nil
	}
	reason := fmt.Sprintf("paused after %d failed delivery attempts in a row; the last: %s", failures, d.Error)
	res, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET active = FALSE, paused_reason = $1, updated_at = $2
		WHERE id = $3 AND active`, reason, now, subID)
	if err != nil {
		return fmt.Errorf("hooksub: pause %d: %w", subID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	sub, err := getSub(ctx, tx, subID)
	if err != nil {
		return err
	}
	return s.tellAdmins(ctx, tx, sub, d)
}

// tellAdmins queues a mail to every admin that sub was paused.
func (s *Service) tellAdmins(ctx context.Context, tx *sql.Tx, sub *Subscription, d *Delivery) error {
	to, err := adminAddresses(ctx, tx)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Webhook paused: %s", sub.URL)
	var b strings.Builder
	fmt.Fprintf(&b, "The webhook %d to %s was paused: %s.\n\n", sub.ID, sub.URL, sub.PausedReason)
	fmt.Fprintf(&b, "Events are not delivered to it while it is paused. Fix the receiver, check it by redelivering\n")
	fmt.Fprintf(&b, "a delivery from its log (POST /api/v1/webhooks/%d/deliveries/{id}/redeliver), then resume it\n", sub.ID)
	fmt.Fprintf(&b, "with PATCH /api/v1/webhooks/%d {\"active\": true}.\n", sub.ID)
	if link := strings.TrimRight(s.opts.PublicURL, "/"); link != "" {
		fmt.Fprintf(&b, "\nLog: %s/api/v1/webhooks/%d/deliveries\n", link, sub.ID)
	}
	for _, addr := range to {
		_, err := s.queue.Enqueue(ctx, tx, KindEmail, emailJob{To: addr, Subject: subject, Text: b.String(), At: s.now()},
			jobs.EnqueueOptions{UniqueKey: fmt.Sprintf("hooksub:paused:%d:%d:%s", sub.ID, d.ID, addr)})
		if err != nil {
			return err
		}
	}
	return nil
}

// deliveryDied logs a delivery whose job died without an attempt logged
// (its workers kept dying): the log must not say pending for ever.
func (s *Service) deliveryDied(ctx context.Context, tx *sql.Tx, j *jobs.Job, reason string) error {
	var p deliverJob
	if err := j.Decode(&p); err != nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $1, error = $2
		WHERE id = $3 AND state = $4`, StateFailed, reason, p.DeliveryID, StatePending)
	if err != nil {
		return fmt.Errorf("hooksub: record the end of delivery %d: %w", p.DeliveryID, err)
	}
	return nil
}

// sendEmail is the KindEmail job: one mail through the notice path's relay.
func (s *Service) sendEmail(ctx context.Context, j *jobs.Job) error {
	var p emailJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	return s.sender.SendNotice(ctx, outbound.Notice{To: p.To, Subject: p.Subject, Text: p.Text, Date: p.At})
}
