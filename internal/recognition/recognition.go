package recognition

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Sender sends a mail that belongs to no ticket; *outbound.Service is one.
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
}

// Options adjust a Service.
type Options struct {
	// PublicURL is where links in webhooks and digests point
	// (https://desk.example.com); links are relative paths without it.
	PublicURL string
	// Egress checks the webhook's URL and posts to it; by default a guarded
	// client that reaches public addresses only. The server passes one built
	// with the operator's allow list.
	Egress *egress.Client
	Now    func() time.Time
}

// Service awards badges, keeps the feed and sends awards on.
type Service struct {
	db     *db.DB
	queue  *jobs.Queue
	sender Sender
	box    *secret.Box
	log    *slog.Logger
	opts   Options
	now    func() time.Time
}

// New returns a Service over d and registers its job kinds with q. box
// seals the webhook's secret at rest.
func New(d *db.DB, q *jobs.Queue, sender Sender, box *secret.Box, log *slog.Logger, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = db.Now
	}
	if opts.Egress == nil {
		opts.Egress = egress.New(egress.Options{Timeout: webhookTimeout})
	}
	s := &Service{db: d, queue: q, sender: sender, box: box, log: log, opts: opts, now: opts.Now}
	q.Register(KindWebhook, jobs.Kind{Handle: s.postWebhook, MaxAttempts: webhookAttempts})
	q.Register(KindDigest, jobs.Kind{Handle: s.runDigest})
	q.Register(KindDigestMail, jobs.Kind{Handle: s.sendDigestMail})
	return s
}

// Limits on what people write.
const (
	MaxCitation = 1000
	MaxComment  = 1000
	MaxNote     = 1000
)

func requireUser(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	return nil
}

// value is what an award needs of a value of the philosophy.
type value struct {
	ID     int64
	Name   string
	Code   string
	Colour string
}

func getValue(ctx context.Context, q db.Queryer, id int64) (value, error) {
	v := value{ID: id}
	err := q.QueryRowContext(ctx, `SELECT name, code, colour FROM team_values WHERE id = $1`, id).
		Scan(&v.Name, &v.Code, &v.Colour)
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.Unprocessable("value_id", "no value has id %d", id)
	}
	if err != nil {
		return v, fmt.Errorf("recognition: value %d: %w", id, err)
	}
	return v, nil
}

type scanner interface{ Scan(...any) error }

// lockRow takes the write lock on one row before it is read and changed,
// so two leads deciding one nomination run one after the other on
// PostgreSQL. table is always a literal of this package.
func lockRow(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET id = id WHERE id = $1`, id); err != nil {
		return fmt.Errorf("recognition: lock %s %d: %w", table, id, err)
	}
	return nil
}
