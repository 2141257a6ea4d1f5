package alert

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
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Sender sends a mail that belongs to no ticket; *outbound.Service is one.
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
}

// Sources are the services the metrics are read from.
type Sources struct {
	SLA      *sla.Service      // service_level, at_risk, breached
	Feedback *feedback.Service // csat_7d
	Tickets  *ticket.Service   // backlog
	Settings *settings.Store   // the desk's time zone: "today" without a schedule
}

// Options adjust a Service.
type Options struct {
	PublicURL string         // links in mails and posts point here (https://desk.example.com)
	Egress    *egress.Client // the guarded client webhooks are posted through
	Now       func() time.Time
}

// Service keeps alert rules, evaluates them and tells people.
type Service struct {
	db     *db.DB
	queue  *jobs.Queue
	sender Sender
	box    *secret.Box // seals webhook secrets
	src    Sources
	log    *slog.Logger
	opts   Options
	now    func() time.Time
}

// New returns a Service and registers its job kinds with queue: the
// evaluation a minute, mails and webhook posts.
func New(d *db.DB, queue *jobs.Queue, sender Sender, box *secret.Box, src Sources, log *slog.Logger, opts Options) *Service {
	s := &Service{db: d, queue: queue, sender: sender, box: box, src: src, log: log, opts: opts, now: opts.Now}
	if s.now == nil {
		s.now = db.Now
	}
	queue.Register(KindEvaluate, jobs.Kind{Handle: s.evaluateJob, OnDead: s.evaluationDied, MaxAttempts: evaluateAttempts})
	queue.Register(KindEmail, jobs.Kind{Handle: s.sendEmail, MaxAttempts: deliveryAttempts})
	queue.Register(KindWebhook, jobs.Kind{Handle: s.postWebhook, MaxAttempts: deliveryAttempts})
	return s
}

func requireLead(who *user.User) error {
	if who == nil {
		return apperr.Unauthorized("sign in first")
	}
	if !who.IsLead() {
		return apperr.Forbidden("only leads and admins may manage alerts")
	}
	return nil
}

// Rules lists every rule with its state, by name.
func (s *Service) Rules(ctx context.Context, who *user.User) ([]*Rule, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	all, err := listRules(ctx, s.db.Reader(ctx))
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if err := s.openSecret(r); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// Rule returns one rule.
func (s *Service) Rule(ctx context.Context, who *user.User, id int64) (*Rule, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	return s.rule(ctx, s.db.Reader(ctx), id)
}

func (s *Service) rule(ctx context.Context, q db.Queryer, id int64) (*Rule, error) {
	r, err := getRule(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return r, s.openSecret(r)
}

func (s *Service) openSecret(r *Rule) error {
	if r.WebhookSecret == "" {
		return nil
	}
	plain, err := s.box.Open(r.WebhookSecret)
	if err != nil {
		return fmt.Errorf("alert: open the webhook secret of rule %d (was the secret key changed?): %w", r.ID, err)
	}
	r.WebhookSecret = plain
	return nil
}

// Create adds a rule, in state ok.
func (s *Service) Create(ctx context.Context, who *user.User, in Input) (*Rule, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	sealed, err := s.prepare(ctx, &in, false)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if id, err = insertRule(ctx, tx, in, sealed, who.ID, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "alert.rule_created", "alert_rule", fmt.Sprint(id),
			map[string]any{"name": in.Name, "metric": in.Metric, "op": in.Op, "threshold": *in.Threshold})
	})
	if err != nil {
		return nil, err
	}
	return s.rule(ctx, s.db.Writer(ctx), id)
}

// Update changes a rule; its state is kept, and the next evaluation judges
// it by the new condition.
func (s *Service) Update(ctx context.Context, who *user.User, id int64, p Patch) (*Rule, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	cur, err := s.rule(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return nil, err
	}
	in := p.apply(inputOf(cur))
	sealed, err := s.prepare(ctx, &in, p.RotateSecret)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := updateRule(ctx, tx, id, in, sealed, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "alert.rule_updated", "alert_rule", fmt.Sprint(id),
			map[string]any{"name": in.Name, "metric": in.Metric, "op": in.Op, "threshold": *in.Threshold,
				"secret_rotated": p.RotateSecret})
	})
	if err != nil {
		return nil, err
	}
	return s.rule(ctx, s.db.Writer(ctx), id)
}

// prepare checks an input and seals its webhook secret, making one when a
// URL has none (or rotate asks for a new one). The URL must be one the
// guarded client would post to, so the lead learns why now rather than
// from a dead job.
func (s *Service) prepare(ctx context.Context, in *Input, rotate bool) (string, error) {
	if err := in.check(); err != nil {
		return "", err
	}
	if in.WebhookURL == "" {
		in.WebhookSecret = ""
		return "", nil
	}
	u, err := s.opts.Egress.CheckURL(ctx, in.WebhookURL)
	if err != nil {
		return "", apperr.Invalid("webhook_url", "%v", err)
	}
	in.WebhookURL = u
	if rotate || strings.TrimSpace(in.WebhookSecret) == "" {
		in.WebhookSecret = newSecret()
	}
	return s.box.Seal(in.WebhookSecret)
}

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Delete removes a rule and its history.
func (s *Service) Delete(ctx context.Context, who *user.User, id int64) error {
	if err := requireLead(who); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM alert_rules WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("alert: delete rule %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return apperr.NotFound(fmt.Sprintf("alert rule %d", id))
		}
		return audit.Record(ctx, tx, "alert.rule_deleted", "alert_rule", fmt.Sprint(id), nil)
	})
}

// Acknowledge records that who has seen a pending or firing rule; it is
// cleared when the rule resolves. Acknowledging again is refused.
func (s *Service) Acknowledge(ctx context.Context, who *user.User, id int64) (*Rule, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := getRule(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != StateFiring && r.State != StatePending {
			return apperr.Conflict("state", "only a pending or firing alert can be acknowledged; this one is %s", r.State)
		}
		if r.AcknowledgedAt != nil {
			return apperr.Conflict("state", "already acknowledged")
		}
		_, err = tx.ExecContext(ctx, `UPDATE alert_rules SET acknowledged_by = $1, acknowledged_at = $2,
			revision = revision + 1 WHERE id = $3`, who.ID, db.Time(s.now()), id)
		if err != nil {
			return fmt.Errorf("alert: acknowledge rule %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "alert.acknowledged", "alert_rule", fmt.Sprint(id), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.rule(ctx, s.db.Writer(ctx), id)
}

// SilenceInput silences a rule until a time; a null until lifts the
// silence.
type SilenceInput struct {
	Until *time.Time `json:"until"`
}

// Silence tells nobody of the rule until in.Until (its state is still
// kept); nil lifts a silence. The time must be ahead, and within a year.
func (s *Service) Silence(ctx context.Context, who *user.User, id int64, in SilenceInput) (*Rule, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	now := s.now()
	if in.Until != nil && !in.Until.After(now) {
		return nil, apperr.Invalid("until", "must be in the future")
	}
	if in.Until != nil && in.Until.After(now.AddDate(1, 0, 0)) {
		return nil, apperr.Invalid("until", "must be within a year")
	}
	var until any
	if in.Until != nil {
		until = db.Time(in.Until.UTC())
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE alert_rules SET silenced_until = $1, revision = revision + 1
			WHERE id = $2`, until, id)
		if err != nil {
			return fmt.Errorf("alert: silence rule %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return apperr.NotFound(fmt.Sprintf("alert rule %d", id))
		}
		return audit.Record(ctx, tx, "alert.silenced", "alert_rule", fmt.Sprint(id), map[string]any{"until": in.Until})
	})
	if err != nil {
		return nil, err
	}
	return s.rule(ctx, s.db.Writer(ctx), id)
}

// History lists a rule's changes of state, newest first.
func (s *Service) History(ctx context.Context, who *user.User, id int64, limit int) ([]*History, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	if _, err := getRule(ctx, s.db.Reader(ctx), id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxHistory {
		limit = MaxHistory
	}
	return listHistory(ctx, s.db.Reader(ctx), id, limit)
}
