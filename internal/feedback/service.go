package feedback

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
)

// Sender sends the survey mail (outbound.Service).
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
}

// Options adjust a Service.
type Options struct {
	// PublicURL is where customers reach Centerdesk; survey links in mail
	// start with it. Without it, surveys are offered in the portal only.
	PublicURL string
	Now       func() time.Time
}

// Service runs surveys: it makes them when tickets are solved (Consumer),
// sends them (a job), records answers and reports on them.
type Service struct {
	db     *db.DB
	queue  *jobs.Queue
	sender Sender
	key    []byte // the instance's secret key: makes survey tokens
	log    *slog.Logger
	opts   Options
	now    func() time.Time
}

// KindSend is the job that sends a survey when it is due.
const KindSend = "feedback.survey"

// sendAttempts bounds the retries of a survey mail, as a reply's.
const sendAttempts = 20

// New returns a Service and registers its job kind with q. Register its
// Consumer with the event bus.
func New(d *db.DB, q *jobs.Queue, sender Sender, key []byte, log *slog.Logger, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = db.Now
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	s := &Service{db: d, queue: q, sender: sender, key: key, log: log, opts: opts, now: opts.Now}
	q.Register(KindSend, jobs.Kind{Handle: s.send, MaxAttempts: sendAttempts})
	return s
}

// ErrReopened says the survey's ticket was reopened after the solve it
// belongs to: the survey takes no answer any more. Pages answer 410 Gone.
var ErrReopened = errors.New("feedback: the request was reopened")

// ErrChangeWindowOver says the answer is older than ChangeWindow.
var ErrChangeWindowOver = errors.New("feedback: the answer can no longer be changed")

// Path is the survey page of a token, without the host.
func Path(token string) string { return "/feedback/" + token }

// URL is the survey page of s, absolute when the public URL is known; ""
// for a survey without a link (not eligible).
func (s *Service) URL(sv *Survey) string {
	if sv.tokenNonce == "" {
		return ""
	}
	return s.opts.PublicURL + Path(s.token(sv.tokenNonce))
}

// Now is the service's clock, for reports' default periods.
func (s *Service) Now() time.Time { return s.now() }
