// Package portal is the customer portal's domain: one-time sign-in links
// sent by email, and what a signed-in customer may do with their own
// tickets (read their public conversation, reply, open a request, mark one
// solved).
//
// # Sign-in links
//
// A customer types their address; a random 32-byte token is made, only its
// SHA-256 is stored (with the address, the asker's IP, a 15-minute expiry),
// and the link goes out through the durable job queue as a "portal.signin"
// job, sealed with a key derived from the instance's secret so the jobs
// table holds no usable link either. Every address gets a link, known or
// not, and the answer is the same, so the form tells nobody who is a
// customer; the customer is found, or made, only when a link is used. The
// stored rows are also the rate limits' counts: a few links per address and
// per IP in a quarter of an hour.
//
// # Ownership
//
// Every read and write takes the signed-in customer and a ticket id and
// answers NotFound when the customer is not the ticket's requester, so one
// customer never learns whether another's ticket exists. Only public
// replies are ever returned, never internal notes or their files.
package portal

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"time"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// KindSignIn is the job kind that mails a sign-in link.
const KindSignIn = "portal.signin"

// Limits of sign-in links.
const (
	LinkLifetime = 15 * time.Minute
	// RateWindow is the window the rate limits count links in.
	RateWindow = 15 * time.Minute
	// PerAddress and PerIP are how many links one address, and one IP, may
	// ask for within RateWindow.
	PerAddress = 5
	PerIP      = 10
	// keepTokens is how long used and expired links are kept, for the
	// rate limits and for whoever investigates a sign-in.
	keepTokens = 24 * time.Hour
	// signInAttempts bounds the retries of a link's mail: after about two
	// minutes of backoff the link would be stale anyway.
	signInAttempts = 5
)

// Sender sends a mail that belongs to no ticket (outbound.Service).
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
	CanSendNotices(ctx context.Context) (bool, error)
}

// Options configure a Service.
type Options struct {
	// PublicURL is the URL customers reach Centerdesk by; links in mail
	// start with it. Empty: only a loopback origin is trusted (development),
	// never a Host header that anybody can forge.
	PublicURL string
	Now       func() time.Time // for tests
}

// Service runs the portal.
type Service struct {
	db          *db.DB
	tickets     *ticket.Service
	attachments *attachment.Service
	settings    *settings.Store
	queue       *jobs.Queue
	sender      Sender
	box         *secret.Box
	log         *slog.Logger
	opts        Options
	now         func() time.Time
}

// New returns a Service and registers its job kind with q. key is the
// instance's secret key; links in queued jobs are sealed with a key
// derived from it.
func New(d *db.DB, tickets *ticket.Service, attachments *attachment.Service, st *settings.Store,
	q *jobs.Queue, sender Sender, key []byte, log *slog.Logger, opts Options) (*Service, error) {
	derived := sha256.Sum256(append([]byte("centerdesk portal sign-in link\x00"), key...))
	box, err := secret.NewBox(derived[:])
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = db.Now
	}
	s := &Service{db: d, tickets: tickets, attachments: attachments, settings: st, queue: q,
		sender: sender, box: box, log: log, opts: opts, now: opts.Now}
	q.Register(KindSignIn, jobs.Kind{Handle: s.sendLink, MaxAttempts: signInAttempts})
	return s, nil
}
