package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
)

// LinkRequest is a customer asking for a sign-in link.
type LinkRequest struct {
	Email string
	IP    string
	// Origin is the scheme and host the request came to; used only when no
	// public URL is configured and it is a loopback address.
	Origin string
}

// Link states a token can be in, besides usable.
var (
	ErrLinkUsed    = apperr.Unprocessable("token", "this sign-in link was used already; ask for a new one")
	ErrLinkExpired = apperr.Unprocessable("token", "this sign-in link has expired; ask for a new one")
	ErrLinkUnknown = apperr.Unprocessable("token", "this sign-in link is not valid; ask for a new one")
)

// ErrTooMany is the answer once an address or an IP asked for too many
// links. It says the same for both, so it tells nothing about the address.
var ErrTooMany = apperr.TooMany("too many sign-in links were asked for; wait %d minutes and try again",
	int(RateWindow/time.Minute))

// signInJob is the payload of a KindSignIn job.
type signInJob struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Sealed  string    `json:"sealed"` // the mail's text, sealed: it holds the link
	At      time.Time `json:"at"`
}

// RequestLink makes a sign-in link for r.Email and queues its mail, unless
// the rate limits refuse. It succeeds the same whether or not a customer
// has the address.
func (s *Service) RequestLink(ctx context.Context, r LinkRequest) error {
	email, err := customer.NormalizeEmail("email", r.Email)
	if err != nil {
		return err
	}
	base, err := s.baseURL(r.Origin)
	if err != nil {
		return err
	}
	if ok, err := s.sender.CanSendNotices(ctx); err != nil {
		return err
	} else if !ok {
		return apperr.Unprocessable("", "this help desk cannot send email yet, so it cannot send sign-in links; write to us by email instead")
	}
	st, err := s.settings.Get(ctx)
	if err != nil {
		return err
	}
	token, hash := newToken()
	now := s.now()
	text := linkText(st.CompanyName, base+"/portal/signin/"+token)
	sealed, err := s.box.Seal(text)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.checkRate(ctx, tx, email, r.IP, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO portal_signin_tokens (token_hash, email, ip, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, hash, email, r.IP, db.Time(now), db.Time(now.Add(LinkLifetime)))
		if err != nil {
			return fmt.Errorf("portal: store link: %w", err)
		}
		_, err = s.queue.Enqueue(ctx, tx, KindSignIn, signInJob{To: email,
			Subject: "Your sign-in link for " + st.CompanyName, Sealed: sealed, At: now},
			jobs.EnqueueOptions{UniqueKey: hash})
		return err
	})
}

// checkRate refuses a link when the address or the IP asked for too many
// lately, and forgets links older than keepTokens.
func (s *Service) checkRate(ctx context.Context, tx *sql.Tx, email, ip string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM portal_signin_tokens WHERE created_at < $1`,
		db.Time(now.Add(-keepTokens))); err != nil {
		return fmt.Errorf("portal: forget old links: %w", err)
	}
	since := db.Time(now.Add(-RateWindow))
	var byAddress, byIP int
	err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM portal_signin_tokens WHERE email = $1 AND created_at > $3),
			(SELECT COUNT(*) FROM portal_signin_tokens WHERE ip = $2 AND created_at > $3)`,
		email, ip, since).Scan(&byAddress, &byIP)
	if err != nil {
		return fmt.Errorf("portal: count links: %w", err)
	}
	if byAddress >= PerAddress || byIP >= PerIP {
		return ErrTooMany
	}
	return nil
}

// baseURL is where links point: the public URL, or a loopback origin in
// development. A forged Host header must never pick where a link that
// signs somebody in is sent.
func (s *Service) baseURL(origin string) (string, error) {
	if s.opts.PublicURL != "" {
		return strings.TrimRight(s.opts.PublicURL, "/"), nil
	}
	u, err := url.Parse(origin)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return u.Scheme + "://" + u.Host, nil
		}
	}
	return "", apperr.Unprocessable("", "the portal cannot send sign-in links until an administrator sets Centerdesk's public URL (--public-url)")
}

func linkText(company, link string) string {
	return "Hello,\n\nSomeone, hopefully you, asked to sign in to the " + company + " support portal.\n" +
		"Open this link to sign in:\n\n" + link + "\n\n" +
		fmt.Sprintf("The link works once, for %d minutes. ", int(LinkLifetime/time.Minute)) +
		"If you did not ask for it, ignore this mail: nobody can sign in without it.\n"
}

// newToken returns a random token for a link and the hex SHA-256 that is
// stored in its place.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sendLink is the KindSignIn job.
func (s *Service) sendLink(ctx context.Context, j *jobs.Job) error {
	var p signInJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	text, err := s.box.Open(p.Sealed)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("open the sealed link (was the secret key changed?): %w", err))
	}
	return s.sender.SendNotice(ctx, outbound.Notice{To: p.To, Subject: p.Subject, Text: text, Date: p.At})
}

// CheckLink says whether token can still sign somebody in, without using
// it: the page a link opens asks to confirm first, since mail scanners
// open links too.
func (s *Service) CheckLink(ctx context.Context, token string) error {
	var expires time.Time
	var used *time.Time
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT expires_at, used_at FROM portal_signin_tokens
		WHERE token_hash = $1`, hashToken(token)).Scan(db.ScanTime(&expires), db.ScanNullTime(&used))
	if errors.Is(err, sql.ErrNoRows) {
		return ErrLinkUnknown
	}
	if err != nil {
		return fmt.Errorf("portal: check link: %w", err)
	}
	return linkState(expires, used, s.now())
}

func linkState(expires time.Time, used *time.Time, now time.Time) error {
	switch {
	case used != nil:
		return ErrLinkUsed
	case !now.Before(expires):
		return ErrLinkExpired
	}
	return nil
}

// UseLink uses token up and returns the customer it signs in (the one who
// owns its address, made now if nobody does yet) and the address.
func (s *Service) UseLink(ctx context.Context, token string) (*customer.Customer, string, error) {
	var (
		c     *customer.Customer
		email string
	)
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		var (
			id      int64
			expires time.Time
			used    *time.Time
		)
		err := tx.QueryRowContext(ctx, `SELECT id, email, expires_at, used_at FROM portal_signin_tokens
			WHERE token_hash = $1`, hashToken(token)).Scan(&id, &email, db.ScanTime(&expires), db.ScanNullTime(&used))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkUnknown
		}
		if err != nil {
			return fmt.Errorf("portal: read link: %w", err)
		}
		if err := linkState(expires, used, now); err != nil {
			return err
		}
		// Guarded by used_at, so of two requests racing with one link only
		// one signs in.
		res, err := tx.ExecContext(ctx, `UPDATE portal_signin_tokens SET used_at = $1
			WHERE id = $2 AND used_at IS NULL`, db.Time(now), id)
		if err != nil {
			return fmt.Errorf("portal: use link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrLinkUsed
		}
		if c, _, err = customer.ResolveEmail(ctx, tx, email, ""); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE portal_signin_tokens SET customer_id = $1 WHERE id = $2`, c.ID, id)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return c, email, nil
}
