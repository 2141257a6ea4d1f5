package user

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// totpOpts are the parameters every authenticator app understands.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// recoveryCodeCount is how many one-time recovery codes a user gets.
const recoveryCodeCount = 10

// Enrolment is what a user needs to add Centerdesk to an authenticator app.
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	QRPNG  string `json:"qr_png_data_url"` // a data: URL, to show in an <img>
}

// BeginTwoFactor returns the user's pending TOTP secret, creating it on
// the first call. The secret stays the same until ConfirmTwoFactor sees a
// code from it or CancelTwoFactor drops it, so reloading the page (or
// fetching the QR code again) does not invalidate what the app already
// scanned.
func (s *Service) BeginTwoFactor(ctx context.Context, userID int64) (*Enrolment, error) {
	u, err := getByID(ctx, s.db.Reader(ctx), userID)
	if err != nil {
		return nil, err
	}
	if u.TOTPEnabled {
		return nil, apperr.Conflict("", "two-factor sign-in is already on; turn it off first to enrol a new device")
	}
	opts := totp.GenerateOpts{Issuer: "Centerdesk", AccountName: u.Email}
	if u.totpSecret != "" {
		pending, err := s.box.Open(u.totpSecret)
		if err != nil {
			return nil, err
		}
		if opts.Secret, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(pending); err != nil {
			return nil, fmt.Errorf("user %d: pending totp secret: %w", u.ID, err)
		}
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return nil, err
	}
	if u.totpSecret == "" {
		stored, err := s.storePendingSecret(ctx, u.ID, key.Secret())
		if err != nil {
			return nil, err
		}
		if !stored { // another request stored one first (two tabs): show that one
			return s.BeginTwoFactor(ctx, userID)
		}
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Enrolment{
		Secret: key.Secret(),
		URL:    key.URL(),
		QRPNG:  "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()),
	}, nil
}

// storePendingSecret seals and stores a new pending secret, unless another
// request stored one first; it reports whether it stored this one.
func (s *Service) storePendingSecret(ctx context.Context, userID int64, secret string) (bool, error) {
	sealed, err := s.box.Seal(secret)
	if err != nil {
		return false, err
	}
	res, err := s.db.Writer(ctx).ExecContext(ctx, `
		UPDATE users SET totp_secret = $1, updated_at = $2
		WHERE id = $3 AND totp_enabled = FALSE AND totp_secret = ''`,
		sealed, db.Time(s.now()), userID)
	if err != nil {
		return false, fmt.Errorf("user: store totp secret: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CancelTwoFactor drops a pending enrolment's secret, so the next one
// starts with a new secret. Two-factor sign-in already on is left alone.
func (s *Service) CancelTwoFactor(ctx context.Context, userID int64) error {
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `
		UPDATE users SET totp_secret = '', updated_at = $1 WHERE id = $2 AND totp_enabled = FALSE`,
		db.Time(s.now()), userID); err != nil {
		return fmt.Errorf("user: cancel two-factor enrolment: %w", err)
	}
	return nil
}

// ConfirmTwoFactor turns two-factor sign-in on once the user proves their
// app produces codes, and returns the recovery codes, shown this once.
func (s *Service) ConfirmTwoFactor(ctx context.Context, userID int64, code string) ([]string, error) {
	var codes []string
	err := s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return apperr.Conflict("", "two-factor sign-in is already on")
		}
		if u.totpSecret == "" {
			return apperr.Unprocessable("", "start the enrolment first")
		}
		step, err := s.matchTOTP(u, code)
		if err != nil {
			return err
		}
		u.TOTPEnabled, u.totpLastStep = true, step
		if err := saveUser(ctx, tx, u); err != nil {
			return err
		}
		if codes, err = replaceRecoveryCodes(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user.two_factor_enabled", "user", u.ID, nil)
	})
	return codes, err
}

// matchTOTP checks code against the user's secret, allowing one step of
// clock drift either way, and refuses a code already used (replay).
func (s *Service) matchTOTP(u *User, code string) (int64, error) {
	secret, err := s.box.Open(u.totpSecret)
	if err != nil {
		return 0, err
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	now := s.now()
	for _, drift := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(drift) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err != nil {
			return 0, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step := at.Unix() / 30
			if step <= u.totpLastStep {
				return 0, apperr.Invalid("code", "this code was already used: wait for the next one")
			}
			return step, nil
		}
	}
	return 0, apperr.Invalid("code", "the code is wrong or has expired")
}

// VerifySecondFactor checks a TOTP code or an unused recovery code during
// sign-in. A recovery code works once.
func (s *Service) VerifySecondFactor(ctx context.Context, userID int64, code string) (method string, err error) {
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !u.TOTPEnabled {
			return apperr.Unprocessable("", "two-factor sign-in is not on for this account")
		}
		if looksLikeRecoveryCode(code) {
			method = "recovery_code"
			return useRecoveryCode(ctx, tx, u.ID, code, s.now())
		}
		method = "totp"
		step, err := s.matchTOTP(u, code)
		if err != nil {
			return err
		}
		u.totpLastStep = step
		return saveUser(ctx, tx, u)
	})
	return method, err
}

// DisableOwnTwoFactor turns the user's own two-factor sign-in off, once
// they have re-authenticated with their password and a code (see Reauth):
// a stolen session alone cannot do it. It ends the user's sign-ins. When
// the instance requires two-factor sign-in, only admins may.
func (s *Service) DisableOwnTwoFactor(ctx context.Context, userID int64, re Reauth) error {
	u, err := getByID(ctx, s.db.Reader(ctx), userID)
	if err != nil {
		return err
	}
	if !u.TOTPEnabled {
		return apperr.Conflict("", "two-factor sign-in is already off")
	}
	required, err := s.twoFactorRequired(ctx)
	if err != nil {
		return err
	}
	if required && !u.IsAdmin() {
		return apperr.Forbidden("two-factor sign-in is required on this instance")
	}
	if err := s.reauthenticate(ctx, u, re); err != nil {
		return err
	}
	return s.turnOffTwoFactor(ctx, userID)
}

// ResetTwoFactor is an admin turning off another user's two-factor sign-in
// (a lost phone); the user must enrol again. Admins turn off their own
// with DisableOwnTwoFactor, which asks for their password and a code.
func (s *Service) ResetTwoFactor(ctx context.Context, by *User, userID int64) error {
	if !by.IsAdmin() {
		return apperr.Forbidden("only an admin can turn off another user's two-factor sign-in")
	}
	if by.ID == userID {
		return apperr.Forbidden("turn off your own two-factor sign-in on your account page, which asks for your password and a code")
	}
	return s.turnOffTwoFactor(ctx, userID)
}

// turnOffTwoFactor forgets the user's second factor and recovery codes, and
// ends their sign-ins.
func (s *Service) turnOffTwoFactor(ctx context.Context, userID int64) error {
	return s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		u.TOTPEnabled, u.totpSecret, u.totpLastStep = false, "", 0
		u.SessionEpoch++
		if err := saveUser(ctx, tx, u); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, u.ID); err != nil {
			return fmt.Errorf("user: delete recovery codes: %w", err)
		}
		return audit.Record(ctx, tx, "user.two_factor_disabled", "user", u.ID, nil)
	})
}

// Recovery codes look like "abcde-fghij": 50 random bits each, enough for a
// code that works once and only behind a correct password.
func newRecoveryCode() string {
	t := strings.ToLower(rand.Text())
	return t[:5] + "-" + t[5:10]
}

func looksLikeRecoveryCode(code string) bool {
	return strings.Contains(code, "-") || len(strings.TrimSpace(code)) == 10
}

func normalizeRecoveryCode(code string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, fmt.Errorf("user: delete recovery codes: %w", err)
	}
	codes := make([]string, recoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`,
			userID, hashToken(normalizeRecoveryCode(codes[i]))); err != nil {
			return nil, fmt.Errorf("user: store recovery code: %w", err)
		}
	}
	return codes, nil
}

func useRecoveryCode(ctx context.Context, tx *sql.Tx, userID int64, code string, now time.Time) error {
	res, err := tx.ExecContext(ctx, `
		UPDATE recovery_codes SET used_at = $1
		WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
		db.Time(now), userID, hashToken(normalizeRecoveryCode(code)))
	if err != nil {
		return fmt.Errorf("user: use recovery code: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Invalid("code", "the recovery code is wrong or already used")
	}
	return audit.Record(ctx, tx, "user.recovery_code_used", "user", userID, nil)
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx,
		`SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, err
}
