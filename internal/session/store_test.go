package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// storedExpiry reads the expiry the database holds for token.
func storedExpiry(t *testing.T, d *db.DB, token string) time.Time {
	t.Helper()
	var expiry time.Time
	if err := d.Read().QueryRow(`SELECT expiry FROM sessions WHERE token_hash = $1`, key(token)).Scan(db.ScanTime(&expiry)); err != nil {
		t.Fatalf("read session %s: %v", token, err)
	}
	return expiry
}

// An idle timeout makes scs commit after every request; the store writes
// only when the data changed or the expiry moved by refreshEvery.
func TestCommitSkipsWritesThatOnlyNudgeTheExpiry(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		s.refreshEvery = time.Minute
		start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)

		commit := func(data string, expiry time.Time) {
			t.Helper()
			if err := s.CommitCtx(ctx, "tok", []byte(data), expiry); err != nil {
				t.Fatal(err)
			}
		}
		commit("a", start)
		commit("a", start.Add(30*time.Second))
		if got := storedExpiry(t, d, "tok"); !got.Equal(start) {
			t.Errorf("an unchanged session nudged by 30 s was written: expiry %v, want %v", got, start)
		}
		commit("a", start.Add(2*time.Minute))
		if got := storedExpiry(t, d, "tok"); !got.Equal(start.Add(2 * time.Minute)) {
			t.Errorf("an expiry moved by more than refreshEvery was not written: %v", got)
		}
		commit("b", start.Add(2*time.Minute+time.Second))
		data, ok, err := s.FindCtx(ctx, "tok")
		if err != nil || !ok || string(data) != "b" {
			t.Errorf("changed data was not written: %q, %v, %v", data, ok, err)
		}

		// After a delete (a sign-out, here or on another node) the same
		// data is written again rather than assumed stored.
		if err := s.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		commit("b", start.Add(2*time.Minute+2*time.Second))
		if _, ok, _ := s.FindCtx(ctx, "tok"); !ok {
			t.Error("a session committed after its delete was not stored")
		}
	})
}

func TestForgetExpiredBoundsWhatIsRemembered(t *testing.T) {
	s := NewStore(nil)
	now := time.Now()
	s.remember("old", written{expiry: now.Add(-time.Second)})
	s.remember("live", written{expiry: now.Add(time.Hour)})
	s.forgetExpired(now)
	if _, ok := s.written["old"]; ok {
		t.Error("an expired session is still remembered")
	}
	if _, ok := s.written["live"]; !ok {
		t.Error("a live session was forgotten")
	}
}

// A session is stored under the SHA-256 of its token: the database holds
// nothing a cookie could be made from, and the store still finds, renews
// and deletes the session by its token.
func TestSessionsAreStoredByHash(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		token := "a-session-token-as-scs-makes-them"
		expiry := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		if err := s.CommitCtx(ctx, token, []byte("data"), expiry); err != nil {
			t.Fatal(err)
		}
		var stored string
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT token_hash, (SELECT COUNT(*) FROM sessions) FROM sessions`).Scan(&stored, &n); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(token))
		if n != 1 || stored != hex.EncodeToString(sum[:]) || strings.Contains(stored, token) {
			t.Fatalf("session stored under %q (%d rows), want the SHA-256 of its token", stored, n)
		}
		if data, ok, err := s.FindCtx(ctx, token); err != nil || !ok || string(data) != "data" {
			t.Fatalf("find by token: %q %v %v", data, ok, err)
		}
		if _, ok, _ := s.FindCtx(ctx, stored); ok {
			t.Fatal("the stored hash works as a token")
		}
		if err := s.DeleteCtx(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.FindCtx(ctx, token); ok {
			t.Fatal("a deleted session is still found")
		}
	})
}
