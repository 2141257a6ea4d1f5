// Package db opens Centerdesk's database (embedded SQLite or PostgreSQL),
// runs its migrations and runs transactions. Domain packages write one SQL
// text for both dialects with $1-style placeholders, which both drivers
// accept; where the dialects differ, a small named hook in Dialect says so.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Queryer is what *sql.DB and *sql.Tx have in common, so store functions can
// run inside or outside a transaction.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open database. On SQLite it keeps one writer connection (SQLite
// allows one writer at a time; queuing in Go is cheaper than busy-waiting in
// SQLite) and a pool of read-only connections. On PostgreSQL both are one pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	target  string // for messages; never includes a password
	hooks   *commitHooks
	group   *groupCommit // SQLite: batches write transactions; nil on PostgreSQL
}

// Options tune how the database is opened.
type Options struct {
	MaxConns int // most open connections; 0 picks a default per dialect
}

// Open connects to target: a postgres:// URL, or a SQLite path or sqlite: URL.
// It pings the database so a wrong address fails here, clearly.
func Open(ctx context.Context, target string, opts Options) (*DB, error) {
	var (
		d   *DB
		err error
	)
	if isPostgres(target) {
		d, err = openPostgres(target, opts)
	} else {
		d, err = openSQLite(target, opts)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.Ping(pingCtx); err != nil {
		d.Close()
		return nil, fmt.Errorf("cannot reach the %s database at %s: %w", d.dialect, d.target, err)
	}
	return d, nil
}

func isPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

func openPostgres(target string, opts Options) (*DB, error) {
	cfg, err := pgconnParse(target)
	if err != nil {
		return nil, err
	}
	conn, err := sql.Open("pgx", target)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	maxConns := opts.MaxConns
	if maxConns == 0 {
		maxConns = 4 * runtime.GOMAXPROCS(0)
	}
	conn.SetMaxOpenConns(maxConns)
	conn.SetMaxIdleConns(maxConns)
	conn.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: Postgres, write: conn, read: conn, target: cfg, hooks: &commitHooks{}}, nil
}

// pgconnParse checks a PostgreSQL URL and returns it without its password,
// for messages.
func pgconnParse(target string) (string, error) {
	if _, err := pgconn.ParseConfig(target); err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String(), nil
}

func openSQLite(target string, opts Options) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(target, "sqlite://"), "sqlite:")
	if path == "" {
		return nil, errors.New("database: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// busy_timeout comes first so that the pragmas after it wait instead of
	// failing while another process (a CLI command) holds the write lock.
	// mmap_size lets the readers share the operating system's copy of the
	// file instead of each reading pages into its own cache: it doubled
	// concurrent search throughput on a 100,000-ticket desk.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_pragma=mmap_size(1073741824)"
	write, err := openSQLitePool("file:" + path + "?" + pragmas + "&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	read, err := openSQLitePool("file:" + path + "?" + pragmas + "&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	readers := opts.MaxConns
	if readers == 0 {
		readers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	read.SetConnMaxIdleTime(0)
	hooks := &commitHooks{}
	return &DB{dialect: SQLite, write: write, read: read, target: path, hooks: hooks,
		group: newGroupCommit(write, hooks)}, nil
}

// openSQLitePool opens a pool whose connections keep their statements
// compiled (see stmtcache.go).
func openSQLitePool(dsn string) (*sql.DB, error) {
	conn, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	return sql.OpenDB(stmtCacheConnector{base: conn, size: stmtCacheSize}), nil
}

// Dialect reports which engine this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Target describes where the database is, without secrets.
func (d *DB) Target() string { return d.target }

// Read is the read pool itself, for tools and tests. Services read through
// Reader(ctx), which sees the transaction ctx carries; a test in this
// package fails if non-test code outside the allowed packages calls Read.
func (d *DB) Read() *sql.DB { return d.read }

// Write is the write pool itself, for tools and tests. Services write
// through Tx or Writer(ctx): on SQLite a statement sent to the write pool
// while ctx carries a transaction would wait for it forever.
func (d *DB) Write() *sql.DB { return d.write }

// Conn takes a connection of its own from the pool, for a session that
// stays open, such as PostgreSQL LISTEN; the caller closes it. On SQLite it
// would hold the one writer connection, so it refuses.
func (d *DB) Conn(ctx context.Context) (*sql.Conn, error) {
	if d.dialect != Postgres {
		return nil, fmt.Errorf("db: a dedicated connection is for PostgreSQL only, not %s", d.dialect)
	}
	return d.write.Conn(ctx)
}

// Pools lists the distinct connection pools, for metrics.
func (d *DB) Pools() map[string]*sql.DB {
	if d.read == d.write {
		return map[string]*sql.DB{"main": d.write}
	}
	return map[string]*sql.DB{"write": d.write, "read": d.read}
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	if d.read != d.write {
		return d.read.PingContext(ctx)
	}
	return nil
}

// Close waits for the write transactions under way, then closes every
// connection.
func (d *DB) Close() error {
	if d.group != nil {
		d.group.close()
	}
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Tx runs fn in a write transaction and commits if fn returns nil. fn gets
// a context that carries the transaction: services fn calls with that
// context join it (through Tx, Reader and Writer), so all their changes
// commit or roll back together; fn must use that context, not its caller's.
// If ctx already carries a transaction of d, fn joins it instead (see
// txctx.go). A transaction that fails because of contention (SQLite busy,
// PostgreSQL serialization failure or deadlock) is run again a few times,
// so fn must have no effects outside the transaction. On SQLite,
// transactions that queue for the one writer commit together (see
// groupcommit.go); each still succeeds or fails alone.
func (d *DB) Tx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if st := d.txFrom(ctx); st != nil {
		return st.join(func(tx *sql.Tx) error { return fn(ctx, tx) })
	}
	carry := func(tx *sql.Tx) error {
		st := &txState{db: d, tx: tx}
		defer st.end()
		if err := fn(context.WithValue(ctx, txKey{}, st), tx); err != nil {
			return err
		}
		return st.failure()
	}
	const attempts = 5
	var err error
	for i := range attempts {
		err = d.tryTx(ctx, carry)
		if err == nil || !isContention(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(i+1) * 20 * time.Millisecond)
	}
	return err
}

func (d *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if d.group != nil {
		return d.group.run(ctx, fn)
	}
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	d.hooks.run()
	return nil
}

// isContention reports errors worth retrying the whole transaction for.
func isContention(err error) bool {
	if errors.Is(err, errBatchAborted) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign-key failure.
func IsForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}
