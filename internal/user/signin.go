package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
)

// errBadCredentials is deliberately the same whatever was wrong, so the
// answer does not tell whether an account exists.
var errBadCredentials = apperr.Unauthorized("wrong email address or password")

// CheckCredentials verifies an email address and password for a sign-in from
// ip. It does not complete the sign-in: call SignedIn once every factor has
// been checked. Failures are counted, and too many lock the attempt out.
func (s *Service) CheckCredentials(ctx context.Context, email, password, ip string) (*User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.now()
	keys := throttleKeys(email, ip)
	if err := s.refuseIfLocked(ctx, keys, now); err != nil {
		return nil, err
	}
	u, err := getByEmail(ctx, s.db.Reader(ctx), email)
	if apperr.Is(err, apperr.KindNotFound) {
		CheckPassword(s.dummyHash, password)
		return nil, s.failSignIn(ctx, email, ip, nil, "unknown account")
	}
	if err != nil {
		return nil, err
	}
	ok, err := CheckPassword(u.passwordHash, password)
	if err != nil && u.passwordHash != "" {
		return nil, fmt.Errorf("user %d: %w", u.ID, err)
	}
	if !ok {
		return nil, s.failSignIn(ctx, email, ip, u, "wrong password")
	}
	if !u.Active() {
		return nil, s.failSignIn(ctx, email, ip, u, "account disabled")
	}
	return u, nil
}

func (s *Service) refuseIfLocked(ctx context.Context, keys []throttleKey, now time.Time) error {
	until, err := lockedUntil(ctx, s.db.Reader(ctx), keys, now)
	if err != nil {
		return err
	}
	if until.IsZero() {
		return nil
	}
	return lockout("too many failed sign-ins", until, now)
}

// lockout is the error of an attempt refused because its key is locked
// until then. It carries the wait, so doors that can say when to retry
// (the API's Retry-After header) find it with RetryAfter.
func lockout(what string, until, now time.Time) error {
	wait := until.Sub(now)
	minutes := int(math.Ceil(wait.Minutes()))
	e := apperr.TooMany("%s: try again in %d minute%s", what, minutes, plural(minutes))
	e.Err = &retryAfter{wait: wait}
	return e
}

type retryAfter struct{ wait time.Duration }

func (r *retryAfter) Error() string { return "locked for " + r.wait.Round(time.Second).String() }

// RetryAfter returns how long a client refused by a lockout must wait
// before it tries again, rounded up to whole seconds.
func RetryAfter(err error) (time.Duration, bool) {
	var r *retryAfter
	if !errors.As(err, &r) {
		return 0, false
	}
	return max(time.Second, (r.wait + time.Second - 1).Truncate(time.Second)), true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// failSignIn counts the failure and records it in the audit log, then
// returns the error the person sees.
func (s *Service) failSignIn(ctx context.Context, email, ip string, u *User, reason string) error {
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := recordFailure(ctx, tx, throttleKeys(email, ip), s.now()); err != nil {
			return err
		}
		actx := audit.WithActor(ctx, audit.Actor{Label: email, IP: ip})
		var target any
		if u != nil {
			target = u.ID
		}
		return audit.Record(actx, tx, "user.sign_in_failed", "user", target, map[string]any{"reason": reason})
	})
	if err != nil {
		return err
	}
	return errBadCredentials
}

// SignedIn completes a sign-in: it clears the throttle and records the
// sign-in, with the factors used, in the audit log.
func (s *Service) SignedIn(ctx context.Context, u *User, ip, method string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := clearFailures(ctx, tx, u.Email, ip); err != nil {
			return err
		}
		actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: ip})
		return audit.Record(actx, tx, "user.sign_in", "user", u.ID, map[string]any{"method": method})
	})
}

// SecondFactorFailed counts a wrong two-factor code like a wrong password.
func (s *Service) SecondFactorFailed(ctx context.Context, u *User, ip string) error {
	return s.failSignIn(ctx, u.Email, ip, u, "wrong two-factor code")
}

// RefuseIfLocked fails when the account is locked out from ip, so a second
// factor cannot be guessed past the lock either.
func (s *Service) RefuseIfLocked(ctx context.Context, u *User, ip string) error {
	return s.refuseIfLocked(ctx, throttleKeys(u.Email, ip), s.now())
}

// Current returns the user behind a session or token, checking that the
// account is still active and, for sessions, that epoch still matches.
func (s *Service) Current(ctx context.Context, id, epoch int64) (*User, error) {
	u, err := getByID(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return nil, err
	}
	if !u.Active() || u.SessionEpoch != epoch {
		return nil, apperr.Unauthorized("your sign-in has ended: sign in again")
	}
	return u, nil
}

// SetNow replaces the clock, for tests.
func (s *Service) SetNow(now func() time.Time) { s.now = now }
