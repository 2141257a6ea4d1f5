package user_test

import (
	"context"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// A token answered from the cache is refused at once when it is revoked or
// its owner disabled through the service, and within the cache's lifetime
// when it is revoked behind the service's back (another node, the CLI).
func TestCachedTokensFollowChanges(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		now := db.Now()
		s.SetNow(func() time.Time { return now })
		admin := mustCreate(t, s, "admin@example.com", "admin")
		ada := mustCreate(t, s, "ada@example.com", "agent")
		token := func(owner *user.User) (int64, string) {
			tok, secretText, err := s.CreateToken(ctx, owner.ID, "CRM")
			if err != nil {
				t.Fatal(err)
			}
			return tok.ID, secretText
		}
		authenticate := func(secretText string) error {
			for range 3 { // the first from the database, the others from the cache
				if _, err := s.Authenticate(ctx, secretText, "192.0.2.1"); err != nil {
					return err
				}
			}
			return nil
		}
		refused := func(what, secretText string) {
			t.Helper()
			if _, err := s.Authenticate(ctx, secretText, "192.0.2.1"); !apperr.Is(err, apperr.KindUnauthorized) {
				t.Fatalf("%s: err = %v, want unauthorized", what, err)
			}
		}

		id, revoked := token(ada)
		if err := authenticate(revoked); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, ada, id); err != nil {
			t.Fatal(err)
		}
		refused("revoked through the service", revoked)

		_, owned := token(ada)
		if err := authenticate(owned); err != nil {
			t.Fatal(err)
		}
		disabled := true
		if _, err := s.Update(ctx, ada.ID, user.Patch{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		refused("owner disabled through the service", owned)

		// The admin is demoted: the cached user must say so at once.
		_, adminToken := token(admin)
		mustCreate(t, s, "other@example.com", "admin") // so the admin may be demoted
		if err := authenticate(adminToken); err != nil {
			t.Fatal(err)
		}
		agent := "agent"
		if _, err := s.Update(ctx, admin.ID, user.Patch{Role: &agent}); err != nil {
			t.Fatal(err)
		}
		if u, err := s.Authenticate(ctx, adminToken, "192.0.2.1"); err != nil || u.IsAdmin() {
			t.Fatalf("demoted admin: %+v, %v", u, err)
		}

		id, behind := token(admin)
		if err := authenticate(behind); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, db.Time(now), id); err != nil {
			t.Fatal(err)
		}
		now = now.Add(3 * time.Second) // longer than the cache keeps a token
		refused("revoked in the database", behind)
	})
}
