// Package session keeps browser sessions in Centerdesk's database, so any
// node can serve any request and a restart signs nobody out.
package session

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/background"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Store is an scs.CtxStore over the sessions table. A session is stored
// under the SHA-256 of its token (see key), never the token itself, so a
// copy of the database signs nobody in.
type Store struct {
	db  *db.DB
	now func() time.Time

	// With an idle timeout, scs commits the session after every request
	// to move its expiry, so every page view would be a write. Commits
	// that change nothing but push the expiry by less than refreshEvery
	// are skipped: the stored expiry then trails the true one by at most
	// refreshEvery (a hundredth of the idle timeout; see NewManager).
	refreshEvery time.Duration
	mu           sync.Mutex
	written      map[string]written // key(token) → what this node last wrote
}

// written is a session as this node last stored it.
type written struct {
	sum    [sha256.Size]byte
	expiry time.Time
}

// NewStore returns a Store over d.
func NewStore(d *db.DB) *Store {
	return &Store{db: d, now: db.Now, written: make(map[string]written)}
}

// key is what a session is stored under: the hex SHA-256 of its token. The
// token has 256 random bits, so no salt or slow hash is needed: a stored
// key cannot be turned back into a cookie.
func key(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// FindCtx returns a live session's data.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.Reader(ctx).QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE token_hash = $1 AND expiry > $2`, key(token), db.Time(s.now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session: find: %w", err)
	}
	return data, true, nil
}

// CommitCtx writes a session, unless this node wrote the same data a
// moment ago (see refreshEvery).
func (s *Store) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	k := key(token)
	w := written{sum: sha256.Sum256(data), expiry: expiry}
	if s.unchanged(k, w) {
		return nil
	}
	_, err := s.db.Writer(ctx).ExecContext(ctx, `
		INSERT INTO sessions (token_hash, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		k, data, db.Time(expiry))
	if err != nil {
		return fmt.Errorf("session: commit: %w", err)
	}
	s.remember(k, w)
	return nil
}

// unchanged reports whether the stored session already has w's data and an
// expiry less than refreshEvery before w's.
func (s *Store) unchanged(k string, w written) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.written[k]
	return ok && last.sum == w.sum && w.expiry.Sub(last.expiry) < s.refreshEvery
}

func (s *Store) remember(k string, w written) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.written[k] = w
}

func (s *Store) forget(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.written, k)
}

// forgetExpired drops what this node remembers of sessions past their
// expiry, so the memory is bounded by the live sessions.
func (s *Store) forgetExpired(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, w := range s.written {
		if !w.expiry.After(now) {
			delete(s.written, k)
		}
	}
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	k := key(token)
	s.forget(k)
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, k); err != nil {
		return fmt.Errorf("session: delete: %w", err)
	}
	return nil
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx versions.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit writes a session.
func (s *Store) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

// Delete removes a session.
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions past their expiry.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	now := s.now()
	s.forgetExpired(now)
	res, err := s.db.Writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, db.Time(now))
	if err != nil {
		return 0, fmt.Errorf("session: delete expired: %w", err)
	}
	return res.RowsAffected()
}

// CleanUp deletes expired sessions every interval until ctx ends.
func (s *Store) CleanUp(ctx context.Context, interval time.Duration, log *slog.Logger) {
	background.Every(ctx, interval, log, "delete expired sessions", func(ctx context.Context) error {
		n, err := s.DeleteExpired(ctx)
		if n > 0 {
			log.Debug("deleted expired sessions", "count", n)
		}
		return err
	})
}

// Options configure the session manager.
type Options struct {
	Lifetime    time.Duration // absolute limit of a sign-in
	IdleTimeout time.Duration // sign out after this long without a request
	Secure      bool          // send the cookie over HTTPS only
}

// NewManager returns an scs session manager over store with Centerdesk's
// cookie settings: HttpOnly, SameSite=Lax, Secure over HTTPS.
func NewManager(store *Store, o Options, log *slog.Logger) *scs.SessionManager {
	m := scs.New()
	m.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.ErrorContext(r.Context(), "session store failed", "path", r.URL.Path, "err", err)
		http.Error(w, "Sessions are unavailable right now; try again shortly.", http.StatusServiceUnavailable)
	}
	store.refreshEvery = o.IdleTimeout / 100
	m.Store = store
	m.Lifetime = o.Lifetime
	m.IdleTimeout = o.IdleTimeout
	m.Cookie.Name = "centerdesk_session"
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = o.Secure
	m.Cookie.Persist = false
	return m
}
