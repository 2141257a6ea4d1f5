package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

const columns = `id, kind, payload, state, attempts, max_attempts, run_at, locked_by, locked_until,
	last_error, unique_key, created_at, updated_at, finished_at`

func scan(row interface{ Scan(...any) error }) (*Job, error) {
	var (
		j                            Job
		payload                      string
		lockedBy, lastErr, uniqueKey sql.NullString
	)
	err := row.Scan(&j.ID, &j.Kind, &payload, &j.State, &j.Attempts, &j.MaxAttempts, db.ScanTime(&j.RunAt),
		&lockedBy, db.ScanNullTime(&j.LockedUntil), &lastErr, &uniqueKey, db.ScanTime(&j.CreatedAt),
		db.ScanTime(&j.UpdatedAt), db.ScanNullTime(&j.FinishedAt))
	if err != nil {
		return nil, err
	}
	j.Payload = []byte(payload)
	j.LockedBy, j.LastError, j.UniqueKey = lockedBy.String, lastErr.String, uniqueKey.String
	return &j, nil
}

// Get returns job id, or sql.ErrNoRows.
func Get(ctx context.Context, q db.Queryer, id int64) (*Job, error) {
	return scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM jobs WHERE id = $1`, id))
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// insert adds a job, or finds the one that already holds its unique key.
func insert(ctx context.Context, tx *sql.Tx, j *Job) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, unique_key, created_at, updated_at)
		VALUES ($1, $2, 'queued', 0, $3, $4, $5, $6, $6)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		j.Kind, string(j.Payload), j.MaxAttempts, db.Time(j.RunAt), nullString(j.UniqueKey),
		db.Time(j.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && j.UniqueKey != "" {
		err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE kind = $1 AND unique_key = $2`,
			j.Kind, j.UniqueKey).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", j.Kind, err)
	}
	return id, nil
}

// claim marks up to n due jobs of the given kinds as running under worker's
// lease until until, and returns them. Due are queued jobs and failed ones
// whose run_at has come, and running ones whose lease has ended.
func claim(ctx context.Context, tx *sql.Tx, dialect db.Dialect, worker string, kinds []string, n int,
	now, until time.Time) ([]*Job, error) {
	args := []any{worker, db.Time(until), db.Time(now), n}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	lock := ""
	if dialect == db.Postgres {
		// Other workers skip the rows this claim holds instead of waiting
		// for it and then finding them taken.
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := tx.QueryContext(ctx, `
		UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, locked_until = $2,
			run_at = $2, updated_at = $3
		WHERE id IN (
			SELECT id FROM jobs
			WHERE state IN ('queued', 'running', 'failed') AND run_at <= $3 AND kind IN (`+strings.Join(marks, ", ")+`)
			ORDER BY run_at, id LIMIT $4`+lock+`)
		RETURNING `+columns, args...)
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("jobs: scan claimed: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return out, nil
}

// leased is the guard of every change a worker makes to a job it claimed:
// still running, under the same claim.
const leased = ` WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3`

func guarded(ctx context.Context, q db.Queryer, j *Job, set string, args ...any) error {
	res, err := q.ExecContext(ctx, `UPDATE jobs SET `+set+leased,
		append([]any{j.ID, j.LockedBy, j.Attempts}, args...)...)
	if err != nil {
		return fmt.Errorf("jobs: update %s job %d: %w", j.Kind, j.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("jobs: update %s job %d: %w", j.Kind, j.ID, err)
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

func markDone(ctx context.Context, q db.Queryer, j *Job, now time.Time) error {
	return guarded(ctx, q, j, `state = 'done', locked_by = NULL, locked_until = NULL, run_at = $4,
		updated_at = $4, finished_at = $4`, db.Time(now))
}

func markRetry(ctx context.Context, q db.Queryer, j *Job, reason string, at, now time.Time) error {
	return guarded(ctx, q, j, `state = 'failed', locked_by = NULL, locked_until = NULL, run_at = $4,
		last_error = $5, updated_at = $6`, db.Time(at), reason, db.Time(now))
}

// markReleased gives a job back unrun (its worker is stopping): the claim
// does not count as an attempt.
func markReleased(ctx context.Context, q db.Queryer, j *Job, now time.Time) error {
	return guarded(ctx, q, j, `state = 'queued', attempts = attempts - 1, locked_by = NULL,
		locked_until = NULL, run_at = $4, updated_at = $4`, db.Time(now))
}

func markDead(ctx context.Context, q db.Queryer, j *Job, reason string, now time.Time) error {
	return guarded(ctx, q, j, `state = 'dead', locked_by = NULL, locked_until = NULL, run_at = $4,
		last_error = $5, updated_at = $4, finished_at = $4`, db.Time(now), reason)
}

// prune deletes done jobs that finished before before.
func prune(ctx context.Context, q db.Queryer, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM jobs WHERE state = 'done' AND finished_at < $1`, db.Time(before))
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	return res.RowsAffected()
}
