package user_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

const password = "correct horse battery"

// enrol turns two-factor sign-in on for id, with the service's clock held
// at now, and returns the TOTP secret and the recovery codes.
func enrol(t *testing.T, s *user.Service, id int64, now time.Time) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := s.BeginTwoFactor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(e.Secret, now)
	codes, err := s.ConfirmTwoFactor(ctx, id, code)
	if err != nil {
		t.Fatal(err)
	}
	return e.Secret, codes
}

// wantField fails unless err is invalid input naming field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || e.Field != field {
		t.Fatalf("%s: err = %v, want invalid %s", what, err, field)
	}
}

// Each sensitive change asks for the current password, and for a code when
// two-factor sign-in is on; without them nothing changes.
func TestSensitiveChangesRequireReauthentication(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		now := db.Now()
		s.SetNow(func() time.Time { return now })
		ada := mustCreate(t, s, "ada@example.com", "agent")
		ip := "192.0.2.7"

		// Without two-factor sign-in: the password is enough.
		wantField(t, "token without password", errOf(s.CreateOwnToken(ctx, ada.ID, "CRM", user.Reauth{IP: ip})), "current_password")
		wantField(t, "token with a wrong password", errOf(s.CreateOwnToken(ctx, ada.ID, "CRM", user.Reauth{Password: "guess-guess", IP: ip})), "current_password")
		if _, _, err := s.CreateOwnToken(ctx, ada.ID, "CRM", user.Reauth{Password: password, IP: ip}); err != nil {
			t.Fatalf("token with the password: %v", err)
		}
		_, err := s.ChangeEmail(ctx, ada.ID, user.Reauth{IP: ip}, "ada@new.example")
		wantField(t, "email without password", err, "current_password")
		if u, err := s.ChangeEmail(ctx, ada.ID, user.Reauth{Password: password, IP: ip}, "ada@new.example"); err != nil || u.Email != "ada@new.example" {
			t.Fatalf("email with the password: %+v, %v", u, err)
		}

		// With two-factor sign-in, the code is needed too.
		secret, recovery := enrol(t, s, ada.ID, now)
		now = now.Add(30 * time.Second)
		wantField(t, "password change without code",
			s.ChangePassword(ctx, ada.ID, user.Reauth{Password: password, IP: ip}, "a new long password"), "code")
		wantField(t, "password change with a wrong code",
			s.ChangePassword(ctx, ada.ID, user.Reauth{Password: password, Code: "000000", IP: ip}, "a new long password"), "code")
		wantField(t, "2FA off without password",
			s.DisableOwnTwoFactor(ctx, ada.ID, user.Reauth{IP: ip}), "current_password")
		wantField(t, "2FA off without code",
			s.DisableOwnTwoFactor(ctx, ada.ID, user.Reauth{Password: password, IP: ip}), "code")
		if u, _ := s.Get(ctx, ada.ID); !u.TOTPEnabled {
			t.Fatal("two-factor sign-in was turned off without a code")
		}
		if _, err := s.CheckCredentials(ctx, "ada@new.example", password, "198.51.100.1"); err != nil {
			t.Fatalf("the password changed without a code: %v", err)
		}
		code, _ := totp.GenerateCode(secret, now)
		if err := s.ChangePassword(ctx, ada.ID, user.Reauth{Password: password, Code: code, IP: ip}, "a new long password"); err != nil {
			t.Fatalf("password change with password and code: %v", err)
		}
		if err := s.DisableOwnTwoFactor(ctx, ada.ID, user.Reauth{Password: "a new long password", Code: recovery[0], IP: ip}); err != nil {
			t.Fatalf("2FA off with a recovery code: %v", err)
		}
		if u, _ := s.Get(ctx, ada.ID); u.TOTPEnabled {
			t.Fatal("two-factor sign-in is still on")
		}
	})
}

func errOf(_ *user.Token, _ string, err error) error { return err }

// Wrong passwords given to re-authenticate count toward the sign-in
// throttle: a stolen session cannot guess the password through them.
func TestFailedReauthenticationLocksOut(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		ada := mustCreate(t, s, "ada@example.com", "agent")
		ip := "192.0.2.8"
		for range 5 {
			wantField(t, "wrong password", s.ChangePassword(ctx, ada.ID, user.Reauth{Password: "guess-guess", IP: ip}, "a new long password"), "current_password")
		}
		err := s.ChangePassword(ctx, ada.ID, user.Reauth{Password: password, IP: ip}, "a new long password")
		if !apperr.Is(err, apperr.KindTooMany) {
			t.Fatalf("after 5 wrong passwords: err = %v, want too many", err)
		}
		if _, err := s.CheckCredentials(ctx, "ada@example.com", password, ip); !apperr.Is(err, apperr.KindTooMany) {
			t.Fatalf("sign-in from the same address: err = %v, want too many", err)
		}
	})
}

// When the instance requires two-factor sign-in, an unenrolled user
// creates no token and their existing tokens are refused, saying how to fix
// it; the setting holds as soon as the cache is told (ForgetTokens).
func TestRequiredTwoFactorAppliesToTokens(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		now := db.Now()
		s.SetNow(func() time.Time { return now })
		required := false
		s.SetTwoFactorPolicy(func(context.Context) (bool, error) { return required, nil })
		ada := mustCreate(t, s, "ada@example.com", "agent")
		_, secretText, err := s.CreateOwnToken(ctx, ada.ID, "CRM", user.Reauth{Password: password})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second from the cache
			if _, err := s.Authenticate(ctx, secretText, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		required = true
		s.ForgetTokens()
		refused := func(what string, err error) {
			t.Helper()
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindForbidden || !strings.Contains(e.Message, "/account/two-factor") {
				t.Fatalf("%s: err = %v, want forbidden pointing at /account/two-factor", what, err)
			}
		}
		for range 2 {
			_, err := s.Authenticate(ctx, secretText, "192.0.2.1")
			refused("token of an unenrolled user", err)
		}
		refused("new token", errOf(s.CreateOwnToken(ctx, ada.ID, "CRM", user.Reauth{Password: password})))

		enrol(t, s, ada.ID, now)
		if _, err := s.Authenticate(ctx, secretText, "192.0.2.1"); err != nil {
			t.Fatalf("after enrolling: %v", err)
		}
	})
}

// Unknown, revoked, disabled-owner and malformed tokens get the same answer.
// Failures from one address lock it out, valid tokens included, with a
// wait to retry after.
func TestBadTokensLookAlikeAndAreThrottled(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		ada := mustCreate(t, s, "ada@example.com", "agent")
		bob := mustCreate(t, s, "bob@example.com", "agent")
		mustCreate(t, s, "admin@example.com", "admin")
		admin, _ := s.GetByEmail(ctx, "admin@example.com")
		tok, revoked, _ := s.CreateToken(ctx, ada.ID, "old")
		if err := s.RevokeToken(ctx, ada, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, ofDisabled, _ := s.CreateToken(ctx, bob.ID, "bob's")
		yes := true
		if _, err := s.Update(ctx, bob.ID, user.Patch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, good, _ := s.CreateToken(ctx, admin.ID, "good")

		ip := "203.0.113.9"
		var first *apperr.Error
		for i, secretText := range []string{"cdk_" + strings.Repeat("a", 26), revoked, ofDisabled, "not-even-a-token"} {
			_, err := s.Authenticate(ctx, secretText, ip)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindUnauthorized {
				t.Fatalf("bad token %d: err = %v, want unauthorized", i, err)
			}
			if first == nil {
				first = e
			} else if e.Code != first.Code || e.Message != first.Message || e.Field != first.Field {
				t.Fatalf("bad token %d answered %+v, bad token 0 %+v", i, e, first)
			}
		}
		if _, err := s.Authenticate(ctx, good, ip); err != nil {
			t.Fatalf("good token before the lock: %v", err)
		}
		for range 16 {
			s.Authenticate(ctx, revoked, ip)
		}
		_, err := s.Authenticate(ctx, good, ip)
		if !apperr.Is(err, apperr.KindTooMany) {
			t.Fatalf("good token from a locked address: err = %v, want too many", err)
		}
		if wait, ok := user.RetryAfter(err); !ok || wait <= 0 || wait > 15*time.Minute+time.Second {
			t.Fatalf("retry after %v, %v", wait, ok)
		}
		// Another node (a second Service) finds the lock in the database.
		other := newService(t, d)
		if _, err := other.Authenticate(ctx, good, ip); !apperr.Is(err, apperr.KindTooMany) {
			t.Fatalf("another node: err = %v, want too many", err)
		}
		if _, err := s.Authenticate(ctx, good, "203.0.113.10"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

// The admin door resets other users' second factor without asking for a
// password; an admin's own goes through DisableOwnTwoFactor, which asks.
func TestAdminsResetOthersTwoFactorOnly(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		now := db.Now()
		s.SetNow(func() time.Time { return now })
		admin := mustCreate(t, s, "admin@example.com", "admin")
		ada := mustCreate(t, s, "ada@example.com", "agent")
		enrol(t, s, admin.ID, now)
		enrol(t, s, ada.ID, now)
		if err := s.ResetTwoFactor(ctx, admin, admin.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("admin resetting their own: err = %v, want forbidden", err)
		}
		if err := s.ResetTwoFactor(ctx, ada, admin.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent resetting an admin's: err = %v, want forbidden", err)
		}
		if err := s.ResetTwoFactor(ctx, admin, ada.ID); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.Get(ctx, admin.ID); !u.TOTPEnabled {
			t.Fatal("the admin's own two-factor sign-in was turned off")
		}
		if u, _ := s.Get(ctx, ada.ID); u.TOTPEnabled {
			t.Fatal("the agent's two-factor sign-in is still on")
		}
	})
}
