package db

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// A transaction can travel in a context, so that work made of several
// service calls commits as one: Tx puts its transaction in the context it
// hands to fn, and every Tx called under that context (on the same DB)
// joins it instead of starting its own. Only the outermost call commits,
// retries on contention and runs the commit hooks.
//
// A joined call that fails dooms the whole transaction: it cannot roll back
// only its own part (that would take a savepoint per call), so the outermost
// call rolls back even if its own fn ignores the failure and returns nil.
// Half of a nested change can therefore never commit.

// ErrTxEnded is returned by a joined transaction whose outer transaction has
// already committed or rolled back, such as from a goroutine that kept a
// request's context too long.
var ErrTxEnded = errors.New("db: the transaction in the context has ended")

type txKey struct{}

// txState is a transaction carried in a context.
type txState struct {
	db *DB
	tx *sql.Tx

	mu     sync.Mutex
	failed error // the first error a joined call returned
	ended  bool
}

// Reader returns the transaction ctx carries, so a read sees the
// transaction's own uncommitted writes, or else the read pool. Services
// whose reads may run inside an outer transaction (an idempotent request, an
// event consumer) read through it.
func (d *DB) Reader(ctx context.Context) Queryer {
	if st := d.txFrom(ctx); st != nil {
		return st.tx
	}
	return d.read
}

// Writer returns the transaction ctx carries, or else the write pool, for a
// single statement that writes. On SQLite a statement sent to the write pool
// while the one writer connection is held by an outer transaction would wait
// for that transaction forever.
func (d *DB) Writer(ctx context.Context) Queryer {
	if st := d.txFrom(ctx); st != nil {
		return st.tx
	}
	return d.write
}

// InTransaction reports whether ctx carries a transaction of d.
func (d *DB) InTransaction(ctx context.Context) bool { return d.txFrom(ctx) != nil }

func (d *DB) txFrom(ctx context.Context) *txState {
	st, _ := ctx.Value(txKey{}).(*txState)
	if st == nil || st.db != d {
		return nil
	}
	return st
}

// join runs fn inside the carried transaction, and remembers its failure.
func (st *txState) join(fn func(*sql.Tx) error) (err error) {
	st.mu.Lock()
	ended := st.ended
	st.mu.Unlock()
	if ended {
		return ErrTxEnded
	}
	defer func() {
		if p := recover(); p != nil {
			st.fail(errors.New("db: a joined transaction panicked"))
			panic(p)
		}
		if err != nil {
			st.fail(err)
		}
	}()
	return fn(st.tx)
}

func (st *txState) fail(err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.failed == nil {
		st.failed = err
	}
}

func (st *txState) failure() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.failed
}

func (st *txState) end() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ended = true
}

// OnCommit registers fn to run after every transaction that Tx commits
// (once, for the outermost call). fn runs on the committing goroutine, so
// it must be quick and must not block: the event bus uses it to wake its
// dispatcher with a non-blocking send.
func (d *DB) OnCommit(fn func()) {
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	d.hooks.fns = append(d.hooks.fns, fn)
}

// commitHooks are the functions OnCommit registered.
type commitHooks struct {
	mu  sync.RWMutex
	fns []func()
}

func (h *commitHooks) run() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, fn := range h.fns {
		fn()
	}
}
