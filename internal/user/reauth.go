package user

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
)

// Reauth is what a person proves again before a change that a stolen
// session cookie or API token must not be enough for: turning two-factor
// sign-in off, changing their email address or password, creating an API
// token. Every door (pages, API) passes it to the Service, which checks it.
type Reauth struct {
	// Password is the current password.
	Password string `json:"current_password"`
	// Code is a code from the authenticator app, or an unused recovery
	// code; required when two-factor sign-in is on.
	Code string `json:"code"`
	// IP is the client's address, for the sign-in throttle.
	IP string `json:"-"`
}

// reauthenticate checks re against u. Failures count toward the sign-in
// throttle like failed sign-ins (so a stolen session cannot guess the
// password through these forms), and a locked account is refused before
// anything is checked. A TOTP code or recovery code used here is spent,
// as at sign-in. Call it after the change's own input is checked, so a
// typo elsewhere does not spend a code.
func (s *Service) reauthenticate(ctx context.Context, u *User, re Reauth) error {
	if err := s.refuseIfLocked(ctx, throttleKeys(u.Email, re.IP), s.now()); err != nil {
		return err
	}
	if re.Password == "" {
		return apperr.Invalid("current_password", "is required: enter your current password to confirm it is you")
	}
	if ok, _ := CheckPassword(u.passwordHash, re.Password); !ok {
		return s.failReauth(ctx, u, re.IP, "wrong password",
			apperr.Invalid("current_password", "is not your current password"))
	}
	if !u.TOTPEnabled {
		return nil
	}
	if strings.TrimSpace(re.Code) == "" {
		return apperr.Invalid("code", "is required: enter the code from your authenticator app, or a recovery code")
	}
	if _, err := s.VerifySecondFactor(ctx, u.ID, re.Code); err != nil {
		if apperr.Is(err, apperr.KindInvalid) {
			return s.failReauth(ctx, u, re.IP, "wrong two-factor code", err)
		}
		return err
	}
	return nil
}

// failReauth counts a failed re-authentication toward the sign-in
// throttle, records it in the audit log, and returns shown.
func (s *Service) failReauth(ctx context.Context, u *User, ip, reason string, shown error) error {
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := recordFailure(ctx, tx, throttleKeys(u.Email, ip), s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user.reauth_failed", "user", u.ID, map[string]any{"reason": reason})
	})
	if err != nil {
		return fmt.Errorf("user %d: record failed re-authentication: %w", u.ID, err)
	}
	return shown
}
