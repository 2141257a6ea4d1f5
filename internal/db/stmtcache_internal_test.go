package db

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

// The cache keeps at most its size, never evicts a statement whose rows are
// open, and really reuses a statement (it is the cache's whole point).
// SQLite only: PostgreSQL connections are not wrapped.
func TestStatementCacheIsBoundedAndReuses(t *testing.T) {
	ctx := context.Background()
	base, err := sqlite.NewConnector("file:" + filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := stmtCacheConnector{base: base, size: 2}.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := dc.(*cachingConn)
	defer c.Close()

	open, err := c.QueryContext(ctx, `SELECT 1`, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := c.byKey[`SELECT 1`].Value.(*cachedStmt)
	for i := range 3 {
		if _, err := c.ExecContext(ctx, fmt.Sprintf(`SELECT %d`, i+2), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.byKey[`SELECT 1`]; !ok || !first.busy {
		t.Fatal("a statement with open rows was evicted")
	}
	// Used again while its rows are open: runs uncached, answers right.
	again, err := c.QueryContext(ctx, `SELECT 1`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := scanOne(t, again); got != 1 {
		t.Fatalf("nested use answered %d", got)
	}
	if got := scanOne(t, open); got != 1 {
		t.Fatalf("outer rows answered %d", got)
	}
	if first.busy {
		t.Fatal("closing the rows did not free the statement")
	}
	if _, err := c.ExecContext(ctx, `SELECT 99`, nil); err != nil {
		t.Fatal(err)
	}
	if c.lru.Len() != 2 || len(c.byKey) != 2 {
		t.Fatalf("cache holds %d (%d keys), want 2", c.lru.Len(), len(c.byKey))
	}
	held := c.byKey[`SELECT 99`].Value.(*cachedStmt)
	if _, err := c.ExecContext(ctx, `SELECT 99`, nil); err != nil {
		t.Fatal(err)
	}
	if c.byKey[`SELECT 99`].Value.(*cachedStmt) != held {
		t.Fatal("the statement was compiled again instead of reused")
	}
}

func scanOne(t *testing.T, rows driver.Rows) int64 {
	t.Helper()
	defer rows.Close()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil {
		t.Fatal(err)
	}
	if err := rows.Next(dest[:0:1]); err != io.EOF {
		t.Fatalf("a second row: %v", err)
	}
	return dest[0].(int64)
}
