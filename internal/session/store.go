// Package session keeps browser sessions in Centerdesk's database, so any
// node can serve any request and a restart signs nobody out.
package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/background"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Store is an scs.CtxStore over the sessions table.
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns a Store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d, now: db.Now} }

// FindCtx returns a live session's data.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.Read().QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, db.Time(s.now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session: find: %w", err)
	}
	return data, true, nil
}

// CommitCtx writes a session.
func (s *Store) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := s.db.Write().ExecContext(ctx, `
		INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, data, db.Time(expiry))
	if err != nil {
		return fmt.Errorf("session: commit: %w", err)
	}
	return nil
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.Write().ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
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
	res, err := s.db.Write().ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, db.Time(s.now()))
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
