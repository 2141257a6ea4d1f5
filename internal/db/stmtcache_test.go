package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// The statement cache (SQLite) must be invisible: the same statement run
// again, inside its own open rows, after an error, after a cancellation,
// after a schema change, and beyond the cache's size all answer as a fresh
// statement would. On PostgreSQL the same checks hold through pgx's cache.
func TestReusedStatementsAnswerAsFreshOnes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const ins = `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)`
		for i := range 5 {
			if _, err := d.Write().ExecContext(ctx, ins, fmt.Sprintf("k%d", i), fmt.Sprintf("v%d", i), db.Time(time.Now())); err != nil {
				t.Fatal(err)
			}
		}
		// A failure leaves the statement usable.
		if _, err := d.Write().ExecContext(ctx, ins, "k1", "dup", db.Time(time.Now())); !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate key: %v", err)
		}
		if _, err := d.Write().ExecContext(ctx, ins, "k5", "v5", db.Time(time.Now())); err != nil {
			t.Fatal(err)
		}

		// The same query inside a loop over its own rows, on one connection
		// (PostgreSQL cannot run a query while another's rows are open).
		const one = `SELECT value FROM settings WHERE key = $1`
		if d.Dialect() == db.SQLite {
			nestedQueries(t, d)
		}

		// More distinct statements than a connection keeps, then the first again.
		for i := range 300 {
			var n int
			if err := d.Read().QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + COUNT(*) FROM settings WHERE key LIKE 'k%%'`, i)).Scan(&n); err != nil || n != i+6 {
				t.Fatalf("statement %d: %d, %v", i, n, err)
			}
		}
		var value string
		if err := d.Read().QueryRowContext(ctx, one, "k3").Scan(&value); err != nil || value != "v3" {
			t.Fatalf("after many statements: %q, %v", value, err)
		}

		// A cancelled query leaves the statement usable.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := d.Read().QueryRowContext(cctx, one, "k3").Scan(&value); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled query: %v", err)
		}
		if err := d.Read().QueryRowContext(ctx, one, "k4").Scan(&value); err != nil || value != "v4" {
			t.Fatalf("after a cancelled query: %q, %v", value, err)
		}

		// A statement compiled before a schema change sees the new schema
		// (pgx's own cache answers "cached plan must not change result type"
		// once instead; the application changes its schema only in
		// migrations, before it serves).
		if d.Dialect() == db.SQLite {
			schemaChange(t, d)
		}
	})
}

// nestedQueries runs a query, and the same query again, inside a loop over
// the rows of the first: the open statement is busy, so the inner use must
// compile its own.
func nestedQueries(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	const one = `SELECT value FROM settings WHERE key = $1`
	err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key FROM settings WHERE key LIKE 'k%' ORDER BY key`)
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var key, value string
			if err := rows.Scan(&key); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, one, key).Scan(&value); err != nil {
				return err
			}
			var again string
			if err := tx.QueryRowContext(ctx, `SELECT key FROM settings WHERE key LIKE 'k%' ORDER BY key`).Scan(&again); err != nil {
				return err
			}
			if value != "v"+key[1:] || again != "k0" {
				return fmt.Errorf("key %s: value %q, first key %q", key, value, again)
			}
			n++
		}
		if n != 6 {
			return fmt.Errorf("%d rows, want 6", n)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// schemaChange runs a statement before and after its table changes.
func schemaChange(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	const all = `SELECT * FROM cache_probe`
	if _, err := d.Write().ExecContext(ctx, `CREATE TABLE cache_probe (a INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write().ExecContext(ctx, `INSERT INTO cache_probe (a) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if cols := columns(t, d.Write(), all); cols != 1 {
		t.Fatalf("%d columns before the change", cols)
	}
	if _, err := d.Write().ExecContext(ctx, `ALTER TABLE cache_probe ADD COLUMN b INTEGER`); err != nil {
		t.Fatal(err)
	}
	if cols := columns(t, d.Write(), all); cols != 2 {
		t.Fatalf("%d columns after the change, want 2", cols)
	}
}

func columns(t *testing.T, q *sql.DB, query string) int {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return len(cols)
}
