package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// The sign-in throttle counts failures per key within a window and locks the
// key for a while once it reaches its limit. Three keys are counted for each
// attempt, so one address guessing at one account is stopped quickly, while
// a whole office behind one address, or an attacker spreading guesses over
// many addresses, meets looser but still finite limits.
//
// Failed API token authentications are counted the same way, under one key
// per client address (see tokenThrottleKeys).
type throttleKey struct {
	key   string
	limit int
}

const (
	throttleWindow = 15 * time.Minute
	lockDuration   = 15 * time.Minute
)

// throttleKeys are the keys a sign-in, or a re-authentication before a
// sensitive change, counts its failures against.
func throttleKeys(email, ip string) []throttleKey {
	return []throttleKey{
		{"account+ip:" + email + "|" + ip, 5},
		{"account:" + email, 20},
		{"ip:" + ip, 100},
	}
}

// tokenFailureLimit is how many failed token authentications one address
// may make within throttleWindow. A real integration fails a few times
// when its token is revoked; only guessing fails this often.
const tokenFailureLimit = 20

// tokenThrottleKeys are the keys a failed API token authentication counts
// against: its client address alone, since a token names no account.
func tokenThrottleKeys(ip string) []throttleKey {
	return []throttleKey{{"token-ip:" + ip, tokenFailureLimit}}
}

// lockedUntil returns the latest lock among the attempt's keys, or zero.
func lockedUntil(ctx context.Context, q db.Queryer, keys []throttleKey, now time.Time) (time.Time, error) {
	var until time.Time
	for _, k := range keys {
		var t *time.Time
		err := q.QueryRowContext(ctx, `SELECT locked_until FROM sign_in_throttle WHERE key = $1`, k.key).
			Scan(db.ScanNullTime(&t))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("user: read throttle: %w", err)
		}
		if t != nil && t.After(now) && t.After(until) {
			until = *t
		}
	}
	return until, nil
}

// recordFailure counts a failed attempt against each key and locks those
// that reached their limit; it returns the lock it set, or zero.
func recordFailure(ctx context.Context, tx *sql.Tx, keys []throttleKey, now time.Time) (locked time.Time, err error) {
	for _, k := range keys {
		var (
			failures int
			start    time.Time
		)
		err := tx.QueryRowContext(ctx, `SELECT failures, window_start FROM sign_in_throttle WHERE key = $1`, k.key).
			Scan(&failures, db.ScanTime(&start))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return time.Time{}, fmt.Errorf("user: read throttle: %w", err)
		}
		if errors.Is(err, sql.ErrNoRows) || now.Sub(start) > throttleWindow {
			failures, start = 0, now
		}
		failures++
		var lock *time.Time
		if failures >= k.limit {
			t := now.Add(lockDuration)
			lock, locked = &t, t
			failures, start = 0, now
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO sign_in_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
				locked_until = COALESCE(excluded.locked_until, sign_in_throttle.locked_until)`,
			k.key, failures, db.Time(start), db.NullTime(lock))
		if err != nil {
			return time.Time{}, fmt.Errorf("user: write throttle: %w", err)
		}
	}
	return locked, nil
}

// clearFailures forgets the account's failures from this address after a
// successful sign-in.
func clearFailures(ctx context.Context, q db.Queryer, email, ip string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sign_in_throttle WHERE key = $1`, throttleKeys(email, ip)[0].key)
	if err != nil {
		return fmt.Errorf("user: clear throttle: %w", err)
	}
	return nil
}
