package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// States of a job.
const (
	StateQueued  = "queued"
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed" // an attempt failed; it runs again at run_at
	StateDead    = "dead"   // failed for good; last_error says why
)

// Job is one row of the queue.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Payload     json.RawMessage `json:"payload"`
	State       string          `json:"state"`
	Attempts    int             `json:"attempts"` // claims so far, this one included
	MaxAttempts int             `json:"max_attempts"`
	RunAt       time.Time       `json:"run_at"`
	LockedBy    string          `json:"locked_by,omitempty"`
	LockedUntil *time.Time      `json:"locked_until,omitempty"`
	LastError   string          `json:"last_error,omitempty"`
	UniqueKey   string          `json:"unique_key,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	FinishedAt  *time.Time      `json:"finished_at,omitempty"`

	finished bool // the handler completed it through Finish
}

// LastAttempt reports whether a failure of this run makes the job dead.
func (j *Job) LastAttempt() bool { return j.Attempts >= j.MaxAttempts }

// Decode unmarshals the job's payload into v.
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return Permanent(fmt.Errorf("jobs: %s job %d: bad payload: %w", j.Kind, j.ID, err))
	}
	return nil
}

// EnqueueOptions adjust one job.
type EnqueueOptions struct {
	// RunAt is when the job is first due; zero means now.
	RunAt time.Time
	// MaxAttempts bounds the runs; zero takes the kind's default, else
	// DefaultMaxAttempts.
	MaxAttempts int
	// UniqueKey, when set, makes Enqueue idempotent: a second job of the
	// same kind and key is not created, whatever state the first is in
	// (until a done one is pruned).
	UniqueKey string
}

// DefaultMaxAttempts is how often a job runs before it is dead, unless its
// kind or its enqueuer says otherwise.
const DefaultMaxAttempts = 10

// ErrLeaseLost says a job is no longer this worker's: another worker took
// it over (its lease had ended) or it is no longer running. Finish returns
// it, and the caller's changes must then not stand.
var ErrLeaseLost = errors.New("jobs: the job's lease was lost")

// Finish completes job j (state done) in the caller's transaction, so a
// handler can record its result and complete the job in one commit. It
// returns ErrLeaseLost, and the caller must roll back, when the job is no
// longer this worker's.
func (q *Queue) Finish(ctx context.Context, tx *sql.Tx, j *Job) error {
	if err := markDone(ctx, tx, j, q.now()); err != nil {
		return err
	}
	j.finished = true
	return nil
}

// permanent marks an error that retrying cannot cure.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job fails for good at once (dead),
// without using its remaining attempts.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
