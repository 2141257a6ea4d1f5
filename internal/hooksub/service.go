package hooksub

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Sender sends a mail that belongs to no ticket; *outbound.Service is one.
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
}

// Options adjust a Service.
type Options struct {
	PublicURL string         // links in payloads and mails point here
	Egress    *egress.Client // the guarded client posts go through
	Now       func() time.Time
}

// Service keeps subscriptions, turns events into deliveries and makes them.
type Service struct {
	db      *db.DB
	queue   *jobs.Queue
	sender  Sender
	box     *secret.Box // seals secrets
	tickets *ticket.Service
	log     *slog.Logger
	opts    Options
	now     func() time.Time
}

// New returns a Service and registers its job kinds with queue. Register
// its Consumer with the event bus.
func New(d *db.DB, queue *jobs.Queue, sender Sender, box *secret.Box, tickets *ticket.Service, log *slog.Logger,
	opts Options) *Service {
	s := &Service{db: d, queue: queue, sender: sender, box: box, tickets: tickets, log: log, opts: opts, now: opts.Now}
	if s.now == nil {
		s.now = db.Now
	}
	queue.Register(KindDeliver, jobs.Kind{Handle: s.deliverJob, OnDead: s.deliveryDied, MaxAttempts: deliverAttempts})
	queue.Register(KindEmail, jobs.Kind{Handle: s.sendEmail, MaxAttempts: 10})
	return s
}

func requireAdmin(who *user.User) error {
	if who == nil {
		return apperr.Unauthorized("sign in first")
	}
	if !who.IsAdmin() {
		return apperr.Forbidden("only admins may manage webhooks")
	}
	return nil
}

// List returns every subscription, oldest first.
func (s *Service) List(ctx context.Context, who *user.User) ([]*Subscription, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	return listSubs(ctx, s.db.Reader(ctx), false)
}

// Get returns one subscription.
func (s *Service) Get(ctx context.Context, who *user.User, id int64) (*Subscription, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	return getSub(ctx, s.db.Reader(ctx), id)
}

// Create adds a subscription with a new secret, which the answer shows
// once.
func (s *Service) Create(ctx context.Context, who *user.User, in Input) (*Subscription, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	sub := &Subscription{Active: true, PauseAfter: DefaultPauseAfter, CreatedBy: &who.ID, CreatedAt: s.now()}
	sub.UpdatedAt = sub.CreatedAt
	if in.Active != nil {
		sub.Active = *in.Active
	}
	if in.PauseAfter != 0 {
		sub.PauseAfter = in.PauseAfter
	}
	if in.Filter != nil {
		sub.Filter = *in.Filter
	}
	sub.URL, sub.Events = in.URL, in.Events
	if err := s.prepare(ctx, sub, true); err != nil {
		return nil, err
	}
	if err := insertSub(ctx, s.db.Writer(ctx), sub); err != nil {
		return nil, err
	}
	return sub, nil
}

// Update changes a subscription. Resuming one (active true) clears its
// failures and the reason it was paused.
func (s *Service) Update(ctx context.Context, who *user.User, id int64, p Patch) (*Subscription, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	var sub *Subscription
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if sub, err = getSub(ctx, tx, id); err != nil {
			return err
		}
		apply(sub, p)
		sub.UpdatedAt = s.now()
		if err := s.prepare(ctx, sub, p.RotateSecret); err != nil {
			return err
		}
		return updateSub(ctx, tx, sub)
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func apply(sub *Subscription, p Patch) {
	if p.URL != nil {
		sub.URL = *p.URL
	}
	if p.Events != nil {
		sub.Events = *p.Events
	}
	if p.Filter != nil {
		sub.Filter = *p.Filter
	}
	if p.PauseAfter != nil {
		sub.PauseAfter = *p.PauseAfter
	}
	if p.Active != nil {
		if *p.Active && !sub.Active {
			sub.Failures, sub.PausedReason = 0, ""
		}
		sub.Active = *p.Active
	}
}

// prepare checks sub and, for a new one or when asked, makes and seals a
// new secret (left in Secret for the answer). The URL must be one the
// guarded client would post to, so the admin learns why now rather than
// from a failed delivery.
func (s *Service) prepare(ctx context.Context, sub *Subscription, newSecret bool) error {
	u := strings.TrimSpace(sub.URL)
	if u == "" {
		return apperr.Invalid("url", "is required")
	}
	if len(u) > MaxURLLen {
		return apperr.Invalid("url", "must be at most %d characters", MaxURLLen)
	}
	u, err := s.opts.Egress.CheckURL(ctx, u)
	if err != nil {
		return apperr.Invalid("url", "%v", err)
	}
	sub.URL = u
	if sub.Events, err = checkEvents(sub.Events); err != nil {
		return err
	}
	if err := sub.Filter.check(); err != nil {
		return err
	}
	if missing, err := missingTeam(ctx, s.db.Reader(ctx), sub.Filter.TeamIDs); err != nil {
		return err
	} else if missing != 0 {
		return apperr.Invalid("filter.team_ids", "no team has id %d", missing)
	}
	if err := checkPauseAfter(sub.PauseAfter); err != nil {
		return err
	}
	if !newSecret {
		return nil
	}
	b := make([]byte, 32)
	rand.Read(b)
	sub.Secret = "whsec_" + hex.EncodeToString(b)
	if sub.secret, err = s.box.Seal(sub.Secret); err != nil {
		return fmt.Errorf("hooksub: seal secret: %w", err)
	}
	return nil
}

// Delete removes a subscription and its log; deliveries still queued are
// dropped when their turn comes.
func (s *Service) Delete(ctx context.Context, who *user.User, id int64) error {
	if err := requireAdmin(who); err != nil {
		return err
	}
	res, err := s.db.Writer(ctx).ExecContext(ctx, `DELETE FROM webhook_subscriptions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("hooksub: delete subscription %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound(fmt.Sprintf("webhook %d", id))
	}
	return nil
}

// MaxDeliveries is the most deliveries one page of the log holds.
const MaxDeliveries = 200

// Deliveries returns a subscription's log, newest first: limit deliveries
// older than before (a delivery id; 0 for the newest).
func (s *Service) Deliveries(ctx context.Context, who *user.User, id, before int64, limit int) ([]*Delivery, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	if _, err := getSub(ctx, q, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxDeliveries {
		limit = MaxDeliveries
	}
	return listDeliveries(ctx, q, id, before, limit)
}

// Redeliver posts a logged delivery's body again, as a new delivery that
// points at it (same event id, so a receiver that has it already can tell),
// even to a paused subscription, so an admin can check a fixed endpoint
// before resuming.
func (s *Service) Redeliver(ctx context.Context, who *user.User, subID, deliveryID int64) (*Delivery, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	var d *Delivery
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := getDelivery(ctx, tx, subID, deliveryID)
		if err != nil {
			return err
		}
		d = &Delivery{SubscriptionID: subID, EventID: old.EventID, EventType: old.EventType, Body: old.Body,
			RedeliveryOf: &old.ID, CreatedAt: s.now()}
		if _, err := insertDelivery(ctx, tx, d); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
