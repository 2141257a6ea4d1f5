package user_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// fastParams keep tests quick; production uses DefaultPasswordParams.
var fastParams = user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newService(t *testing.T, d *db.DB) *user.Service {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return user.NewService(d, box, fastParams)
}

func mustCreate(t *testing.T, s *user.Service, email, role string) *user.User {
	t.Helper()
	u, err := s.Create(context.Background(), user.NewUser{Email: email, Name: "Someone", Role: role, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func TestPasswordHashing(t *testing.T) {
	hash, err := user.HashPassword("s3cret-passphrase", user.DefaultPasswordParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with the default parameters", hash)
	}
	if ok, err := user.CheckPassword(hash, "s3cret-passphrase"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := user.CheckPassword(hash, "s3cret-passphrasE"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := user.CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("malformed hash accepted")
	}
}

func TestCreateValidatesAndRejectsDuplicates(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		mustCreate(t, s, "Ada@Example.com", "admin")
		cases := []struct {
			in    user.NewUser
			field string
			kind  apperr.Kind
		}{
			{user.NewUser{Email: "ADA@example.com", Name: "A", Role: "agent", Password: "long enough pw"}, "email", apperr.KindConflict},
			{user.NewUser{Email: "not-an-email", Name: "A", Role: "agent", Password: "long enough pw"}, "email", apperr.KindInvalid},
			{user.NewUser{Email: "b@example.com", Name: " ", Role: "agent", Password: "long enough pw"}, "name", apperr.KindInvalid},
			{user.NewUser{Email: "b@example.com", Name: "B", Role: "owner", Password: "long enough pw"}, "role", apperr.KindInvalid},
			{user.NewUser{Email: "b@example.com", Name: "B", Role: "agent", Password: "short"}, "password", apperr.KindInvalid},
		}
		for _, c := range cases {
			_, err := s.Create(ctx, c.in)
			e, ok := apperr.As(err)
			if !ok || e.Kind != c.kind || e.Field != c.field {
				t.Errorf("create %+v: err = %v, want kind %d on field %q", c.in, err, c.kind, c.field)
			}
		}
		if n, _ := s.Count(ctx); n != 1 {
			t.Fatalf("%d users after refused creations, want 1", n)
		}
	})
}

func TestCheckCredentialsAndLockOut(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		mustCreate(t, s, "ada@example.com", "agent")
		if _, err := s.CheckCredentials(ctx, "ADA@example.com", "correct horse battery", "10.0.0.1"); err != nil {
			t.Fatalf("right credentials refused: %v", err)
		}
		for i := range 5 {
			_, err := s.CheckCredentials(ctx, "ada@example.com", "wrong", "10.0.0.1")
			if !apperr.Is(err, apperr.KindUnauthorized) {
				t.Fatalf("attempt %d: err = %v, want unauthorized", i, err)
			}
		}
		_, err := s.CheckCredentials(ctx, "ada@example.com", "correct horse battery", "10.0.0.1")
		if !apperr.Is(err, apperr.KindTooMany) {
			t.Fatalf("after 5 failures: err = %v, want a lock-out", err)
		}
		// The same account from another address is not locked by that.
		if _, err := s.CheckCredentials(ctx, "ada@example.com", "correct horse battery", "10.0.0.2"); err != nil {
			t.Fatalf("other address locked out too: %v", err)
		}
		// Once the lock expires the right password works again.
		s.SetNow(func() time.Time { return db.Now().Add(16 * time.Minute) })
		if _, err := s.CheckCredentials(ctx, "ada@example.com", "correct horse battery", "10.0.0.1"); err != nil {
			t.Fatalf("still locked after the lock expired: %v", err)
		}
	})
}

func TestUnknownAndDisabledAccountsFailAlike(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		mustCreate(t, s, "admin@example.com", "admin")
		u := mustCreate(t, s, "gone@example.com", "agent")
		yes := true
		if _, err := s.Update(ctx, u.ID, user.Patch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, errUnknown := s.CheckCredentials(ctx, "nobody@example.com", "correct horse battery", "1.1.1.1")
		_, errDisabled := s.CheckCredentials(ctx, "gone@example.com", "correct horse battery", "1.1.1.1")
		if errUnknown == nil || errDisabled == nil || errUnknown.Error() != errDisabled.Error() {
			t.Fatalf("unknown: %v; disabled: %v; want the same refusal", errUnknown, errDisabled)
		}
	})
}

func TestLastAdminCannotBeRemoved(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		admin := mustCreate(t, s, "admin@example.com", "admin")
		agent := "agent"
		if _, err := s.Update(ctx, admin.ID, user.Patch{Role: &agent}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("demoting the last admin: err = %v, want conflict", err)
		}
		yes := true
		if _, err := s.Update(ctx, admin.ID, user.Patch{Disabled: &yes}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("disabling the last admin: err = %v, want conflict", err)
		}
		other := mustCreate(t, s, "second@example.com", "admin")
		if _, err := s.Update(ctx, admin.ID, user.Patch{Role: &agent}); err != nil {
			t.Fatalf("demoting one of two admins: %v", err)
		}
		if got, _ := s.Get(ctx, admin.ID); got.Role != user.RoleAgent {
			t.Fatalf("role = %s", got.Role)
		}
		_ = other
	})
}

func TestTokens(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		ada := mustCreate(t, s, "ada@example.com", "agent")
		bob := mustCreate(t, s, "bob@example.com", "agent")
		tok, secretText, err := s.CreateToken(ctx, ada.ID, "CRM")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secretText, tok.Prefix) {
			t.Fatalf("prefix %q does not start secret", tok.Prefix)
		}
		got, err := s.Authenticate(ctx, secretText, "192.0.2.1")
		if err != nil || got.ID != ada.ID {
			t.Fatalf("authenticate: %v, %v", got, err)
		}
		list, err := s.Tokens(ctx, ada.ID)
		if err != nil || len(list) != 1 || list[0].LastUsedAt == nil {
			t.Fatalf("tokens after use: %+v, %v; want one with a last-used time", list, err)
		}
		if err := s.RevokeToken(ctx, bob, tok.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("another agent revoking: err = %v, want not found", err)
		}
		if err := s.RevokeToken(ctx, ada, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, secretText, "192.0.2.1"); !apperr.Is(err, apperr.KindUnauthorized) {
			t.Fatalf("revoked token: err = %v, want unauthorized", err)
		}
		if _, err := s.Authenticate(ctx, "cdk_"+strings.Repeat("a", 26), "192.0.2.1"); !apperr.Is(err, apperr.KindUnauthorized) {
			t.Fatalf("unknown token: err = %v", err)
		}
		var stored string
		if err := d.Read().QueryRowContext(ctx, `SELECT token_hash FROM api_tokens`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, secretText) || len(stored) != 64 {
			t.Fatalf("token stored as %q, want a SHA-256 hash", stored)
		}
	})
}

func TestTwoFactor(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		ada := mustCreate(t, s, "ada@example.com", "agent")
		enrol, err := s.BeginTwoFactor(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enrol.URL, "otpauth://totp/Centerdesk:ada@example.com") || !strings.HasPrefix(enrol.QRPNG, "data:image/png;base64,") {
			t.Fatalf("enrolment %+v", enrol)
		}
		var sealed string
		d.Read().QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = $1`, ada.ID).Scan(&sealed)
		if sealed == "" || strings.Contains(sealed, enrol.Secret) {
			t.Fatalf("TOTP secret stored in the clear: %q", sealed)
		}
		if _, err := s.ConfirmTwoFactor(ctx, ada.ID, "000000"); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("wrong confirmation code: err = %v", err)
		}
		now := time.Now()
		s.SetNow(func() time.Time { return now })
		code, _ := totp.GenerateCode(enrol.Secret, now)
		codes, err := s.ConfirmTwoFactor(ctx, ada.ID, code)
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %d codes, %v", len(codes), err)
		}
		// The code that confirmed cannot be replayed to sign in.
		if _, err := s.VerifySecondFactor(ctx, ada.ID, code); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("replayed code: err = %v, want invalid", err)
		}
		later := now.Add(30 * time.Second)
		s.SetNow(func() time.Time { return later })
		next, _ := totp.GenerateCode(enrol.Secret, later)
		if method, err := s.VerifySecondFactor(ctx, ada.ID, next); err != nil || method != "totp" {
			t.Fatalf("next code: %s, %v", method, err)
		}
		if method, err := s.VerifySecondFactor(ctx, ada.ID, codes[0]); err != nil || method != "recovery_code" {
			t.Fatalf("recovery code: %s, %v", method, err)
		}
		if _, err := s.VerifySecondFactor(ctx, ada.ID, codes[0]); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("recovery code used twice: err = %v", err)
		}
		if left, _ := s.RecoveryCodesLeft(ctx, ada.ID); left != 9 {
			t.Fatalf("%d recovery codes left, want 9", left)
		}
		u, _ := s.Get(ctx, ada.ID)
		s.SetTwoFactorPolicy(func(context.Context) (bool, error) { return true, nil })
		even := later.Add(30 * time.Second)
		s.SetNow(func() time.Time { return even })
		code, _ = totp.GenerateCode(enrol.Secret, even)
		re := user.Reauth{Password: "correct horse battery", Code: code}
		if err := s.DisableOwnTwoFactor(ctx, ada.ID, re); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent turning off required 2FA: err = %v", err)
		}
		s.SetTwoFactorPolicy(nil)
		if err := s.DisableOwnTwoFactor(ctx, ada.ID, re); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.Get(ctx, ada.ID); after.TOTPEnabled || after.SessionEpoch == u.SessionEpoch {
			t.Fatalf("after disabling: enabled=%v epoch %d -> %d", after.TOTPEnabled, u.SessionEpoch, after.SessionEpoch)
		}
	})
}
