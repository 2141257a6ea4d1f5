package kit

import (
	"net/http"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Session keys of an agent's sign-in.
const (
	KeyUserID      = "user_id"
	KeyEpoch       = "epoch"
	KeyPendingUser = "pending_user_id" // password checked, second factor not yet
	KeyPendingAt   = "pending_at"
)

// PendingLimit is how long a person has to enter their second factor.
const PendingLimit = 5 * time.Minute

// TwoFactorSetup is the page where a user enrols a second factor.
const TwoFactorSetup = "/account/two-factor"

// signedIn loads the session's user, or fails with Unauthorized. A session
// whose user was disabled or whose password changed since is ended. Unless
// evenUnenrolled, a user who must still enrol a second factor (because the
// instance requires one) is sent to enrol first.
func (k *Kit) signedIn(evenUnenrolled bool, next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id := k.Sessions.GetInt64(ctx, KeyUserID)
		if id == 0 {
			return apperr.Unauthorized("sign in first")
		}
		u, err := k.Users.Current(ctx, id, k.Sessions.GetInt64(ctx, KeyEpoch))
		if apperr.Is(err, apperr.KindUnauthorized) || apperr.Is(err, apperr.KindNotFound) {
			if err := k.Sessions.Destroy(ctx); err != nil {
				return err
			}
			return apperr.Unauthorized("sign in again")
		}
		if err != nil {
			return err
		}
		if !evenUnenrolled && !u.TOTPEnabled {
			s, err := k.Settings.Get(ctx)
			if err != nil {
				return err
			}
			if s.Require2FA {
				k.Flash(r, "This Centerdesk requires two-factor sign-in: set it up to continue.")
				http.Redirect(w, r, TwoFactorSetup, http.StatusSeeOther)
				return nil
			}
		}
		ctx = user.WithUser(ctx, u)
		ctx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: httpx.ClientIP(r)})
		return next(w, r.WithContext(ctx))
	}
}

// role requires a signed-in user who passes allowed, else refuses with msg.
func (k *Kit) role(allowed func(*user.User) bool, msg string, next httpx.HandlerFunc) httpx.HandlerFunc {
	return k.signedIn(false, func(w http.ResponseWriter, r *http.Request) error {
		if !allowed(user.FromContext(r.Context())) {
			return apperr.Forbidden("%s", msg)
		}
		return next(w, r)
	})
}
