package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit (SQLite). SQLite has one writer; each transaction on its own
// pays for BEGIN, COMMIT and writing every page it changed to the WAL, and
// concurrent transactions change mostly the same pages (the last leaf of
// the tickets, messages, events and outbox b-trees, the full-text index).
// So the transactions that queue for the writer while one batch runs are
// run next as one SQLite transaction, each inside its own SAVEPOINT, and
// committed once (see docs/BENCHMARKS.md for what it gained).
//
// Each transaction's fn still runs on its caller's goroutine, so a panic,
// runtime.Goexit or the caller's context reach it as before: the batch
// hands the open transaction to one member at a time and waits for it to
// finish its part. A member whose fn fails is rolled back to its savepoint
// alone and gets its error; the others commit. Nobody hears "committed"
// before COMMIT has succeeded. If a member breaks the batch (SQLite rolled
// the whole transaction back, as it does after an interrupted write or a
// full disk), that member gets its error, and every member whose part had
// succeeded is queued again at once and runs again (fn has no effects
// outside the transaction, so running it again is safe, as for Tx's
// retries); the members not yet run go in the next batch. A lone
// transaction runs without a savepoint, exactly as before.

// maxBatch bounds one batch, so its first member's wait stays short.
const maxBatch = 64

// maxAborts bounds how often one transaction is run again because others
// broke its batches; each breaker leaves its batch, so this is generous.
const maxAborts = 10

// errBatchAborted tells a member of a batch that its part was rolled back
// with the rest through no fault of its own, and must run again; it
// reaches Tx (which retries it) only after maxAborts such runs.
var errBatchAborted = errors.New("db: the group commit was rolled back; run again")

// errClosed answers a transaction begun after Close.
var errClosed = errors.New("db: the database is closed")

type groupCommit struct {
	write *sql.DB
	hooks *commitHooks
	jobs  chan *job

	mu      sync.Mutex // orders sends on jobs before its close
	closed  bool
	stopped chan struct{}
}

// job is one caller's transaction.
type job struct {
	turn chan turn   // the batch hands the member its turn
	ran  chan report // the member says how its part went
	done chan error  // the batch's answer to a member whose part stood
}

// turn is the batch's open transaction, and whether the member shares it
// (and so keeps to a savepoint of its own).
type turn struct {
	tx     *sql.Tx
	shared bool
	err    error // the batch could not begin: this is the member's answer
}

// report is how a member's part went: stood means its changes are in the
// transaction; broken means the transaction can no longer commit.
type report struct {
	stood  bool
	broken error
}

func newGroupCommit(write *sql.DB, hooks *commitHooks) *groupCommit {
	g := &groupCommit{write: write, hooks: hooks, jobs: make(chan *job, maxBatch), stopped: make(chan struct{})}
	go g.loop()
	return g
}

// run runs fn in the next batch. It returns nil once the batch has
// committed, or fn's error (fn's changes then rolled back).
func (g *groupCommit) run(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err // as BeginTx would have answered
	}
	for range maxAborts {
		j := &job{turn: make(chan turn, 1), ran: make(chan report, 1), done: make(chan error, 1)}
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
			return errClosed
		}
		g.jobs <- j
		g.mu.Unlock()

		t := <-j.turn
		if t.err != nil {
			return t.err
		}
		if err := part(t, fn, j.ran); err != nil {
			return err
		}
		if err := <-j.done; !errors.Is(err, errBatchAborted) {
			return err
		}
		// Another member broke the batch: queue again, at once.
	}
	return errBatchAborted
}

// part runs fn in the batch's transaction and reports to the batch how it
// went, also when fn panics or calls runtime.Goexit (the deferred report
// undoes fn's part first; the panic or Goexit then goes on).
func part(t turn, fn func(*sql.Tx) error, ran chan<- report) (err error) {
	// The savepoint statements run even if the caller's context has ended:
	// the other members' work depends on them.
	ctx := context.Background()
	var rep report
	returned := false
	defer func() {
		if !returned {
			rep = report{broken: undo(ctx, t)}
		}
		if !t.shared && !rep.stood {
			rep.broken = errors.New("db: a lone transaction failed") // roll it back
		}
		ran <- rep
	}()
	if t.shared {
		if _, err := t.tx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
			returned, rep.broken = true, err
			return fmt.Errorf("savepoint: %w", err)
		}
	}
	err = fn(t.tx)
	returned = true
	switch {
	case err != nil:
		rep.broken = undo(ctx, t)
	case t.shared:
		if _, rerr := t.tx.ExecContext(ctx, `RELEASE job`); rerr != nil {
			rep.broken = rerr
			return fmt.Errorf("release savepoint: %w", rerr)
		}
		rep.stood = true
	default:
		rep.stood = true
	}
	return err
}

// undo rolls a shared transaction back to the member's savepoint; a lone
// one is rolled back whole by the batch.
func undo(ctx context.Context, t turn) error {
	if !t.shared {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `ROLLBACK TO job`); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, `RELEASE job`)
	return err
}

// loop forms batches of whoever is waiting and runs them, until close.
func (g *groupCommit) loop() {
	defer close(g.stopped)
	var carry []*job // members a broken batch did not get to
	for {
		batch := carry
		if len(batch) == 0 {
			j, ok := <-g.jobs
			if !ok {
				return
			}
			batch = append(batch, j)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case j, ok := <-g.jobs:
				if !ok {
					break fill
				}
				batch = append(batch, j)
			default:
				break fill
			}
		}
		carry = g.runBatch(batch)
	}
}

// runBatch runs one batch and answers its members. It returns the members
// it did not get to because the batch broke; they go in the next one.
func (g *groupCommit) runBatch(batch []*job) []*job {
	tx, err := g.write.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("begin: %w", err)
		for _, j := range batch {
			j.turn <- turn{err: err}
		}
		return nil
	}
	shared := len(batch) > 1
	var stood []*job
	for i, j := range batch {
		j.turn <- turn{tx: tx, shared: shared}
		rep := <-j.ran
		if rep.broken != nil {
			_ = tx.Rollback()
			for _, m := range stood {
				m.done <- errBatchAborted
			}
			return batch[i+1:]
		}
		if rep.stood {
			stood = append(stood, j)
		}
	}
	if err := tx.Commit(); err != nil {
		err = fmt.Errorf("commit: %w", err)
		for _, j := range stood {
			j.done <- err
		}
		return nil
	}
	g.hooks.run()
	for _, j := range stood {
		j.done <- nil
	}
	return nil
}

// close stops taking transactions and waits for those already queued.
func (g *groupCommit) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.jobs)
	}
	g.mu.Unlock()
	<-g.stopped
}
