package jobs

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Handler runs one job. A nil error completes it (unless the handler
// already did, through Queue.Finish); an error wrapped by Permanent makes it
// dead at once; any other error retries it after a backoff, until its
// attempts run out. ctx ends before the job's lease does.
type Handler func(ctx context.Context, j *Job) error

// Kind is how the jobs of one kind are run.
type Kind struct {
	Handle Handler
	// OnDead, when set, runs in the transaction that makes a job of this
	// kind dead (a permanent error, its last attempt failed, or its workers
	// kept dying), with the reason, so the job's owner can record the
	// failure where people see it.
	OnDead func(ctx context.Context, tx *sql.Tx, j *Job, reason string) error
	// MaxAttempts is the default for jobs of this kind; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
}

// Options tune a Queue. Zero values take the defaults.
type Options struct {
	Workers     int           // jobs run at once on this node (4)
	Lease       time.Duration // how long a claim lasts; a handler gets 90% of it (5 minutes)
	Poll        time.Duration // how often to look for due jobs when not woken (2 seconds)
	BaseBackoff time.Duration // wait after a first failure, doubled after each (10 seconds)
	MaxBackoff  time.Duration // longest wait between attempts (1 hour)
	StopGrace   time.Duration // how long running jobs may go on once Run's context ends (10 seconds)
	KeepDone    time.Duration // how long done jobs are kept before Prune deletes them (7 days)
	WorkerID    string        // names this worker in locked_by; default host, pid and a random part
	Now         func() time.Time
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if o.Workers == 0 {
		o.Workers = 4
	}
	def(&o.Lease, 5*time.Minute)
	def(&o.Poll, 2*time.Second)
	def(&o.BaseBackoff, 10*time.Second)
	def(&o.MaxBackoff, time.Hour)
	def(&o.StopGrace, 10*time.Second)
	def(&o.KeepDone, 7*24*time.Hour)
	if o.Now == nil {
		o.Now = db.Now
	}
	if o.WorkerID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		o.WorkerID = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
}

// Queue enqueues jobs and runs those of the kinds registered with it.
type Queue struct {
	db   *db.DB
	log  *slog.Logger
	opts Options
	now  func() time.Time

	mu    sync.RWMutex
	kinds map[string]Kind

	pending atomic.Bool   // a job was enqueued in a transaction that may have committed
	wake    chan struct{} // wakes Run when a transaction with a job commits
}

// New returns a Queue over d. Register the kinds, then call Run.
func New(d *db.DB, log *slog.Logger, opts Options) *Queue {
	opts.defaults()
	q := &Queue{db: d, log: log, opts: opts, now: opts.Now, kinds: map[string]Kind{}, wake: make(chan struct{}, 1)}
	d.OnCommit(func() {
		// A job enqueued here is due now: look at once rather than at the
		// next poll. (Commits without jobs cost one atomic load.)
		if q.pending.Load() && q.pending.CompareAndSwap(true, false) {
			select {
			case q.wake <- struct{}{}:
			default:
			}
		}
	})
	return q
}

// Register says how to run jobs of kind. Register before Run.
func (q *Queue) Register(kind string, k Kind) {
	if k.MaxAttempts == 0 {
		k.MaxAttempts = DefaultMaxAttempts
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.kinds[kind] = k
}

func (q *Queue) kind(name string) (Kind, bool) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	k, ok := q.kinds[name]
	return k, ok
}

func (q *Queue) kindNames() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	names := make([]string, 0, len(q.kinds))
	for n := range q.kinds {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Enqueue adds a job of kind with payload (encoded as JSON) in the caller's
// transaction, so it exists exactly when the change that calls for it
// commits. It returns the job's id: with opts.UniqueKey, the id of the job
// that already holds the key, if one does.
func (q *Queue) Enqueue(ctx context.Context, tx *sql.Tx, kind string, payload any, opts EnqueueOptions) (int64, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: encode %s payload: %w", kind, err)
	}
	now := q.now()
	j := &Job{Kind: kind, Payload: body, MaxAttempts: opts.MaxAttempts, RunAt: opts.RunAt,
		UniqueKey: opts.UniqueKey, CreatedAt: now}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
		if k, ok := q.kind(kind); ok {
			j.MaxAttempts = k.MaxAttempts
		}
	}
	id, err := insert(ctx, tx, j)
	if err != nil {
		return 0, err
	}
	q.pending.Store(true)
	return id, nil
}

// Run claims and runs due jobs until ctx ends, then stops claiming and
// waits for the jobs it is running; they may go on for Options.StopGrace
// before their contexts end too, and a job interrupted so is given back
// unrun.
func (q *Queue) Run(ctx context.Context) {
	jobsCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(q.opts.StopGrace, cancelJobs) })
	defer stop()

	var running sync.WaitGroup
	defer running.Wait()
	slots := make(chan struct{}, q.opts.Workers)
	freed := make(chan struct{}, q.opts.Workers)
	poll := time.NewTimer(0)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-poll.C:
		case <-freed:
		}
		free := cap(slots) - len(slots)
		claimed, err := q.claim(ctx, free)
		if err != nil && ctx.Err() == nil {
			q.log.Error("jobs: claim", "err", err)
		}
		for _, j := range claimed {
			slots <- struct{}{}
			running.Go(func() {
				defer func() {
					<-slots
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
				q.run(jobsCtx, j)
			})
		}
		if len(claimed) == free && free > 0 {
			// There may be more due: look again as soon as a slot frees.
			poll.Reset(0)
			continue
		}
		poll.Reset(q.opts.Poll)
	}
}

// RunDue claims and runs due jobs one at a time until none is due, and
// returns how many it ran. The CLI and tests use it; servers use Run.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		claimed, err := q.claim(ctx, 1)
		if err != nil || len(claimed) == 0 {
			return n, err
		}
		q.run(ctx, claimed[0])
		n++
	}
}

// claim takes up to n due jobs of the registered kinds. Jobs whose workers
// kept dying past their last attempt are made dead instead of run again.
func (q *Queue) claim(ctx context.Context, n int) ([]*Job, error) {
	kinds := q.kindNames()
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	now := q.now()
	var claimed []*Job
	err := q.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		claimed, err = claim(ctx, tx, q.db.Dialect(), q.opts.WorkerID, kinds, n, now, now.Add(q.opts.Lease))
		return err
	})
	if err != nil {
		return nil, err
	}
	// RETURNING keeps no order; oldest first is the queue's promise.
	slices.SortFunc(claimed, func(a, b *Job) int { return cmp.Compare(a.ID, b.ID) })
	out := claimed[:0]
	for _, j := range claimed {
		if j.Attempts > j.MaxAttempts {
			q.bury(ctx, j, fmt.Sprintf("its worker stopped while running it, on the last of %d attempts",
				j.MaxAttempts))
			continue
		}
		out = append(out, j)
	}
	return out, nil
}

// run runs one claimed job and records how it went.
func (q *Queue) run(ctx context.Context, j *Job) {
	k, ok := q.kind(j.Kind)
	if !ok {
		q.bury(ctx, j, "no handler for kind "+j.Kind)
		return
	}
	hctx, cancel := context.WithTimeout(ctx, q.opts.Lease*9/10)
	err := call(hctx, k.Handle, j)
	cancel()
	// Recording the outcome must happen even when ctx has ended.
	rec := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if !j.finished {
			err = q.db.Tx(rec, func(rec context.Context, tx *sql.Tx) error { return markDone(rec, tx, j, q.now()) })
		}
	case errors.Is(err, ErrLeaseLost):
		q.log.Warn("jobs: lease lost; another worker has the job", "kind", j.Kind, "job", j.ID)
		return
	case ctx.Err() != nil && !IsPermanent(err):
		// The worker is stopping and cut the job short: give it back unrun.
		err = q.db.Tx(rec, func(rec context.Context, tx *sql.Tx) error { return markReleased(rec, tx, j, q.now()) })
	case IsPermanent(err) || j.LastAttempt():
		q.bury(rec, j, reason(err))
		return
	default:
		q.log.Warn("jobs: attempt failed; will retry", "kind", j.Kind, "job", j.ID,
			"attempt", j.Attempts, "of", j.MaxAttempts, "err", err)
		err = q.db.Tx(rec, func(rec context.Context, tx *sql.Tx) error {
			return markRetry(rec, tx, j, reason(err), q.now().Add(q.backoff(j.Attempts)), q.now())
		})
	}
	if err != nil && !errors.Is(err, ErrLeaseLost) {
		// The job stays running; its lease ends and it is claimed again.
		q.log.Error("jobs: record outcome", "kind", j.Kind, "job", j.ID, "err", err)
	}
}

// call runs the handler, turning a panic into a permanent error: a job that
// panics would panic again.
func call(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Permanent(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()
	return h(ctx, j)
}

// bury makes a job dead with reason, and lets its kind record the failure
// in the same transaction.
func (q *Queue) bury(ctx context.Context, j *Job, reason string) {
	ctx = context.WithoutCancel(ctx)
	k, _ := q.kind(j.Kind)
	err := q.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := markDead(ctx, tx, j, reason, q.now()); err != nil {
			return err
		}
		if k.OnDead != nil {
			return k.OnDead(ctx, tx, j, reason)
		}
		return nil
	})
	if err != nil {
		q.log.Error("jobs: record dead job", "kind", j.Kind, "job", j.ID, "err", err)
		return
	}
	j.State, j.LastError = StateDead, reason
	q.log.Warn("jobs: job is dead", "kind", j.Kind, "job", j.ID, "attempts", j.Attempts, "reason", reason)
}

// maxReason bounds the error kept on a job.
const maxReason = 2000

func reason(err error) string {
	s := err.Error()
	for len(s) > maxReason {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// backoff is the wait after a job's attempt-th failure: exponential, capped,
// with "equal jitter" (half fixed, half random) so that jobs that failed
// together (a relay that went down) do not all come back at once.
func (q *Queue) backoff(attempt int) time.Duration {
	d := q.opts.BaseBackoff
	for i := 1; i < attempt && d < q.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, q.opts.MaxBackoff)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

// Prune deletes done jobs older than Options.KeepDone; dead ones stay for
// people to look at.
func (q *Queue) Prune(ctx context.Context) error {
	n, err := prune(ctx, q.db.Writer(ctx), q.now().Add(-q.opts.KeepDone))
	if err == nil && n > 0 {
		q.log.Info("jobs: pruned done jobs", "count", n)
	}
	return err
}
