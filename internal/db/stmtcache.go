package db

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// SQLite compiles every statement it runs, and the driver compiles each
// query afresh: on a busy desk parsing the same few dozen statements was a
// fifth of all the CPU time (see docs/BENCHMARKS.md). stmtCacheConnector
// wraps the SQLite driver so that each connection keeps its most recently
// used statements compiled and reuses them; a statement that is reset after
// each use holds no lock and no snapshot, so reuse changes nothing a caller
// can see. PostgreSQL needs none of this: pgx caches statements itself.

// stmtCacheSize is how many statements each connection keeps compiled. The
// application runs fewer distinct statements than this; queries built from
// filters vary, and the least recently used make room.
const stmtCacheSize = 256

type stmtCacheConnector struct {
	base driver.Connector
	size int
}

func (c stmtCacheConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn, c.size)
}

func (c stmtCacheConnector) Driver() driver.Driver { return c.base.Driver() }

// baseConn is what the SQLite driver's connection offers and the cache needs.
type baseConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachedStmt is one compiled statement; busy while its rows are open, so a
// second use of the same text meanwhile (a query inside a loop over the
// rows of the same query) compiles its own.
type cachedStmt struct {
	query string
	stmt  interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	}
	busy bool
}

// cachingConn is a connection with its statement cache. database/sql uses a
// connection from one goroutine at a time (rows included), so the cache
// needs no lock of its own.
type cachingConn struct {
	baseConn
	size  int
	byKey map[string]*list.Element // of *cachedStmt
	lru   *list.List               // most recently used first
}

func newCachingConn(conn driver.Conn, size int) (driver.Conn, error) {
	bc, ok := conn.(baseConn)
	if !ok {
		conn.Close()
		return nil, errors.New("db: the SQLite driver's connection lacks an interface the statement cache needs")
	}
	return &cachingConn{baseConn: bc, size: size, byKey: map[string]*list.Element{}, lru: list.New()}, nil
}

// ExecContext runs query with a cached statement, compiling it on first use.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.get(ctx, query)
	if err != nil || cs == nil {
		if err == nil {
			return c.baseConn.ExecContext(ctx, query, args)
		}
		return nil, err
	}
	cs.busy = true
	defer func() { cs.busy = false }()
	return cs.stmt.ExecContext(ctx, args)
}

// QueryContext runs query with a cached statement; the statement is free
// again once the rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.get(ctx, query)
	if err != nil || cs == nil {
		if err == nil {
			return c.baseConn.QueryContext(ctx, query, args)
		}
		return nil, err
	}
	cs.busy = true
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		cs.busy = false
		return nil, err
	}
	return &cachedRows{Rows: rows, stmt: cs}, nil
}

// get returns the cached statement for query, compiling and caching it if
// need be; nil (without error) means "run it uncached": the cached one is
// in use.
func (c *cachingConn) get(ctx context.Context, query string) (*cachedStmt, error) {
	if e, ok := c.byKey[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		return cs, nil
	}
	st, err := c.baseConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	full, ok := st.(interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	})
	if !ok {
		st.Close()
		return nil, nil
	}
	cs := &cachedStmt{query: query, stmt: full}
	c.byKey[query] = c.lru.PushFront(cs)
	c.evict()
	return cs, nil
}

// evict closes the least recently used statements beyond the cache's size,
// skipping any whose rows are still open.
func (c *cachingConn) evict() {
	for e := c.lru.Back(); e != nil && c.lru.Len() > c.size; {
		prev := e.Prev()
		if cs := e.Value.(*cachedStmt); !cs.busy {
			c.lru.Remove(e)
			delete(c.byKey, cs.query)
			cs.stmt.Close()
		}
		e = prev
	}
}

// Close finalizes every cached statement, then closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for e := c.lru.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cachedStmt).stmt.Close())
	}
	c.lru.Init()
	clear(c.byKey)
	return errors.Join(append(errs, c.baseConn.Close())...)
}

// cachedRows frees its statement for reuse when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

// The column-type methods pass through, so sql.Rows.ColumnTypes says what
// it would without the cache.

type sqliteColumnTypes interface {
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

func (r *cachedRows) types() sqliteColumnTypes {
	t, _ := r.Rows.(sqliteColumnTypes)
	return t
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t := r.types(); t != nil {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t := r.types(); t != nil {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	if t := r.types(); t != nil {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t := r.types(); t != nil {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t := r.types(); t != nil {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
