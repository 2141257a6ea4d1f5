// Package idempotency makes POST requests safe to retry. A client that
// sends an Idempotency-Key header gets, on every retry with the same key and
// the same request, the answer the first attempt got (status, headers such
// as Location, and body, marked Idempotent-Replayed: true), and the retry
// changes nothing.
//
// Exactness comes from one transaction: Wrap claims the key, runs the
// handler with the transaction in its context (db.InTx, which the services'
// own transactions join) and with its answer buffered, stores the answer,
// and only then commits and sends it. So the key is consumed if and only if
// the change committed, and never without its answer: a crash or a failure
// at any point leaves the key unused and the database unchanged, and a retry
// does the work once.
//
// Two attempts with one key at once: on PostgreSQL the second's INSERT of
// the key waits for the first transaction and then replays its answer (or,
// if it rolled back, runs); on SQLite the one writer serialises them.
//
// A failed attempt (the handler returned an error: a 4xx for bad input, a
// 5xx) is not stored, unlike Stripe, which stores most 4xx answers. Its
// transaction rolled back, so nothing changed and running it again is safe;
// for bad input the retry gets the same error anyway, and an answer that
// depended on the state (a ticket not found yet, a name taken) is better
// given afresh than frozen for a day.
//
// Keys expire after TTL: an expired key is free again, and CleanUp deletes
// them.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/background"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Header is the request header that carries the key.
const Header = "Idempotency-Key"

// ReplayedHeader marks an answer that was stored, not freshly made.
const ReplayedHeader = "Idempotent-Replayed"

// TTL is how long a key is remembered.
const TTL = 24 * time.Hour

// maxKey bounds a key; clients usually send a UUID.
const maxKey = 255

// Store keeps the first answer to each (user, key).
type Store struct {
	db  *db.DB
	log *slog.Logger
	ttl time.Duration
	now func() time.Time
}

// NewStore returns a Store over d.
func NewStore(d *db.DB, log *slog.Logger) *Store {
	return &Store{db: d, log: log, ttl: TTL, now: db.Now}
}

// errReplay ends the claiming transaction when the key was already used.
var errReplay = errors.New("idempotency: key already used")

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
		// A header may carry bytes that are not UTF-8, which PostgreSQL
		// refuses in the key column.
		if err := apperr.CheckStorable(Header, key); err != nil {
			return err
		}
		body, hash, err := readRequest(r)
		if err != nil {
			return err
		}
		// A retry of a finished request is answered without taking the write
		// lock.
		prev, found, err := s.load(r.Context(), s.db.Reader(r.Context()), u.ID, key)
		if err != nil {
			return err
		}
		if found {
			return prev.replay(w, hash)
		}
		return s.runFirst(w, r, next, u.ID, key, body, hash)
	}
}

// runFirst runs the request in one transaction with its key and its stored
// answer, then sends the answer. If another attempt used the key first, it
// sends that attempt's answer instead.
func (s *Store) runFirst(w http.ResponseWriter, r *http.Request, next httpx.HandlerFunc,
	userID int64, key string, body []byte, hash requestHash) error {
	var (
		rec  *recorder
		prev *stored
	)
	err := s.db.Tx(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		rec, prev = nil, nil // a contended transaction runs again from the start
		won, err := s.claim(ctx, tx, userID, key, hash.hash)
		if err != nil {
			return err
		}
		if !won {
			var found bool
			if prev, found, err = s.load(ctx, tx, userID, key); err != nil {
				return err
			}
			if !found {
				return apperr.Conflict(Header, "a request with this key is being processed; retry")
			}
			return errReplay
		}
		rec = newRecorder()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := next(rec, r.WithContext(ctx)); err != nil {
			return err
		}
		rec.finish()
		return s.store(ctx, tx, userID, key, rec)
	})
	if errors.Is(err, errReplay) {
		return prev.replay(w, hash)
	}
	if err != nil {
		return err
	}
	rec.send(w)
	return nil
}

// requestHash identifies a request for its key: by method, path and the
// body's meaning (hash), and, for keys stored before bodies were
// canonicalised, by its bytes (legacy).
type requestHash struct{ hash, legacy string }

// hashPrefix marks hashes of canonical bodies; older rows have none.
const hashPrefix = "c1:"

// matches reports whether a stored hash is this request's.
func (h requestHash) matches(stored string) bool {
	return stored == h.hash || stored == h.legacy
}

// readRequest reads the body, leaving it readable, and hashes the request
// by method, path and body, so one key cannot be reused for a different
// request. The body is hashed in its canonical form (see Canonical), so a
// retry that spaces or orders its JSON differently is the same request.
func readRequest(r *http.Request) ([]byte, requestHash, error) {
	// One byte over the API's limit is enough for the decoder to refuse it.
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxJSONBody+1))
	if err != nil {
		return nil, requestHash{}, apperr.Invalid("", "cannot read the request body")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := func(b []byte) string {
		h := sha256.New()
		fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
		h.Write(b)
		return hex.EncodeToString(h.Sum(nil))
	}
	return body, requestHash{hash: hashPrefix + sum(Canonical(body)), legacy: sum(body)}, nil
}

// Canonical returns a JSON body in one canonical form: no insignificant
// white space, object keys sorted, numbers and strings as they were written
// (numbers through json.Number, so 10000000000000001 keeps its digits). A
// body that is not one JSON value is returned as it is: it fails decoding
// anyway, and only an identical retry is the same request.
func Canonical(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return body
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // maps encode with their keys sorted
		return body
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

// claim records the key in the caller's transaction, and reports whether
// this attempt is the first. The primary key (user_id, key) picks one winner
// among racing requests; an expired key, or one a crashed attempt of an
// older Centerdesk left unanswered (status 0), is taken over.
func (s *Store) claim(ctx context.Context, tx *sql.Tx, userID int64, key, hash string) (bool, error) {
	now := s.now()
	res, err := tx.ExecContext(ctx, `
		INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
			status = 0, response_body = '', response_headers = '{}', created_at = excluded.created_at
		WHERE idempotency_keys.created_at < $5 OR idempotency_keys.status = 0`,
		userID, key, hash, db.Time(now), db.Time(now.Add(-s.ttl)))
	if err != nil {
		return false, fmt.Errorf("idempotency: claim: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("idempotency: claim: %w", err)
	}
	return n == 1, nil
}

func (s *Store) store(ctx context.Context, tx *sql.Tx, userID int64, key string, rec *recorder) error {
	headers, err := json.Marshal(rec.header)
	if err != nil {
		return fmt.Errorf("idempotency: encode headers: %w", err)
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE idempotency_keys SET status = $1, response_body = $2, response_headers = $3
		WHERE user_id = $4 AND key = $5`,
		rec.status, rec.body.String(), string(headers), userID, key)
	if err != nil {
		return fmt.Errorf("idempotency: store answer: %w", err)
	}
	return nil
}

// stored is a finished first attempt.
type stored struct {
	hash    string
	status  int
	headers http.Header
	body    string
}

// load returns the unexpired, answered attempt with this key; found is
// false when there is none.
func (s *Store) load(ctx context.Context, q db.Queryer, userID int64, key string) (p *stored, found bool, err error) {
	var (
		st      stored
		headers string
	)
	err = q.QueryRowContext(ctx, `
		SELECT request_hash, status, response_headers, response_body FROM idempotency_keys
		WHERE user_id = $1 AND key = $2 AND status <> 0 AND created_at >= $3`,
		userID, key, db.Time(s.now().Add(-s.ttl))).Scan(&st.hash, &st.status, &headers, &st.body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("idempotency: load: %w", err)
	}
	if err := json.Unmarshal([]byte(headers), &st.headers); err != nil {
		return nil, false, fmt.Errorf("idempotency: decode stored headers: %w", err)
	}
	return &st, true, nil
}

// replay sends the stored answer, if the retry is the same request.
func (p *stored) replay(w http.ResponseWriter, hash requestHash) error {
	if !hash.matches(p.hash) {
		return apperr.Conflict(Header, "this key was used for a different request")
	}
	for k, vs := range p.headers {
		w.Header()[k] = vs
	}
	w.Header().Set(ReplayedHeader, "true")
	w.WriteHeader(p.status)
	_, _ = io.WriteString(w, p.body) // the status is sent; a failed write is the client's loss
	return nil
}

// DeleteExpired removes the keys older than the TTL and returns how many.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.Writer(ctx).ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`,
		db.Time(s.now().Add(-s.ttl)))
	if err != nil {
		return 0, fmt.Errorf("idempotency: delete expired keys: %w", err)
	}
	return res.RowsAffected()
}

// CleanUp deletes expired keys every interval until ctx ends.
func (s *Store) CleanUp(ctx context.Context, interval time.Duration, log *slog.Logger) {
	background.Every(ctx, interval, log, "delete expired idempotency keys", func(ctx context.Context) error {
		n, err := s.DeleteExpired(ctx)
		if n > 0 {
			log.Debug("deleted expired idempotency keys", "count", n)
		}
		return err
	})
}

// recorder holds a handler's answer until its transaction commits. Its
// header starts empty, so it holds exactly the headers the handler set.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

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

// finish settles the status of a handler that wrote nothing.
func (r *recorder) finish() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
}

// send writes the answer to the client.
func (r *recorder) send(w http.ResponseWriter) {
	for k, vs := range r.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes()) // the status is sent; a failed write is the client's loss
}
