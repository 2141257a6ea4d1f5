// Package idempotency makes POST requests safe to retry. A client that
// sends an Idempotency-Key header gets, on every retry with the same key and
// the same request, the answer the first attempt got, and the retry changes
// nothing.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Header is the request header that carries the key.
const Header = "Idempotency-Key"

// ReplayedHeader marks an answer that was stored, not freshly made.
const ReplayedHeader = "Idempotent-Replayed"

// maxKey bounds a key; clients usually send a UUID.
const maxKey = 255

// Store keeps the first answer to each (user, key).
type Store struct {
	db  *db.DB
	log *slog.Logger
	// wait is how long a retry waits for a first attempt still running.
	wait time.Duration
}

// NewStore returns a Store over d.
func NewStore(d *db.DB, log *slog.Logger) *Store {
	return &Store{db: d, log: log, wait: 10 * time.Second}
}

// Wrap makes next idempotent for POST requests that carry the header, for
// the signed-in user. Other requests pass straight through.
func (s *Store) Wrap(next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.Header.Get(Header)
		u := user.FromContext(r.Context())
		if r.Method != http.MethodPost || key == "" || u == nil {
			return next(w, r)
		}
		if len(key) > maxKey {
			return apperr.Invalid(Header, "is longer than %d characters", maxKey)
		}
		hash, err := requestHash(r)
		if err != nil {
			return err
		}
		// A first attempt that fails lets go of its key; a retry waiting on it
		// then claims the key itself.
		for range 3 {
			won, err := s.claim(r.Context(), u.ID, key, hash)
			if err != nil {
				return err
			}
			if won {
				return s.runFirst(w, r, next, u.ID, key)
			}
			if done, err := s.replay(w, r, u.ID, key, hash); done || err != nil {
				return err
			}
		}
		return apperr.Conflict(Header, "requests with this key keep failing; retry later")
	}
}

// requestHash identifies a request by method, path and body, so one key
// cannot be reused for a different request. It leaves the body readable.
func requestHash(r *http.Request) (string, error) {
	// One byte over the API's limit is enough for the decoder to refuse it.
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxJSONBody+1))
	if err != nil {
		return "", apperr.Invalid("", "cannot read the request body")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// claim records that the first attempt with this key has begun. The primary
// key (user_id, key) picks one winner among racing requests.
func (s *Store) claim(ctx context.Context, userID int64, key, hash string) (bool, error) {
	res, err := s.db.Write().ExecContext(ctx, `
		INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING`,
		userID, key, hash, db.Time(db.Now()))
	if err != nil {
		return false, fmt.Errorf("idempotency: claim: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("idempotency: claim: %w", err)
	}
	return n == 1, nil
}

// runFirst runs the request and stores its answer. A failure is not stored
// but releases the key: a handler that returns an error has changed nothing,
// so the client may try again.
func (s *Store) runFirst(w http.ResponseWriter, r *http.Request, next httpx.HandlerFunc, userID int64, key string) error {
	rec := &recorder{header: w.Header()}
	if err := next(rec, r); err != nil {
		s.release(userID, key)
		return err
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if err := s.store(r.Context(), userID, key, rec); err != nil {
		// The change is made and the client gets its answer; only a retry
		// would find the key still running.
		s.log.ErrorContext(r.Context(), "idempotency: store answer", "err", err,
			"request_id", httpx.RequestID(r.Context()))
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes()) // the status is sent; a failed write is the client's loss
	return nil
}

func (s *Store) store(ctx context.Context, userID int64, key string, rec *recorder) error {
	_, err := s.db.Write().ExecContext(context.WithoutCancel(ctx), `
		UPDATE idempotency_keys SET status = $1, response_body = $2 WHERE user_id = $3 AND key = $4`,
		rec.status, rec.body.String(), userID, key)
	return err
}

func (s *Store) release(userID int64, key string) {
	_, err := s.db.Write().ExecContext(context.Background(),
		`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 0`, userID, key)
	if err != nil {
		s.log.Error("idempotency: release key", "err", err)
	}
}

// stored is a previous attempt as the table holds it.
type stored struct {
	hash   string
	status int
	body   string
}

// replay answers a retry with the stored answer, waiting for a first attempt
// that is still running. It reports false when that attempt failed and
// released the key.
func (s *Store) replay(w http.ResponseWriter, r *http.Request, userID int64, key, hash string) (bool, error) {
	deadline := time.Now().Add(s.wait)
	for {
		prev, err := s.load(r.Context(), userID, key)
		if err != nil {
			return true, err
		}
		if prev == nil {
			return false, nil
		}
		if prev.hash != hash {
			return true, apperr.Conflict(Header, "this key was used for a different request")
		}
		if prev.status != 0 {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set(ReplayedHeader, "true")
			w.WriteHeader(prev.status)
			_, _ = io.WriteString(w, prev.body)
			return true, nil
		}
		if time.Now().After(deadline) {
			return true, apperr.Conflict(Header, "a request with this key is still being processed")
		}
		if err := sleep(r.Context(), 20*time.Millisecond); err != nil {
			return true, err
		}
	}
}

func (s *Store) load(ctx context.Context, userID int64, key string) (*stored, error) {
	var p stored
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT request_hash, status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
		userID, key).Scan(&p.hash, &p.status, &p.body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("idempotency: load: %w", err)
	}
	return &p, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// recorder holds a handler's answer until it is stored.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
