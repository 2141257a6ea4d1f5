package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func insertSetting(ctx context.Context, q db.Queryer, key string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, 'v', $2)`,
		key, db.Time(db.Now()))
	return err
}

func countSettings(t *testing.T, ctx context.Context, q db.Queryer) int {
	t.Helper()
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNestedTransactionsJoinTheOuterOne(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var commits atomic.Int32
		d.OnCommit(func() { commits.Add(1) })
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if !d.InTransaction(ctx) {
				t.Error("the context carries no transaction")
			}
			if err := insertSetting(ctx, tx, "outer"); err != nil {
				return err
			}
			if err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return insertSetting(ctx, tx, "nested") }); err != nil {
				return err
			}
			err := d.Tx(ctx, func(ctx context.Context, _ *sql.Tx) error {
				// On SQLite the one writer connection is the outer
				// transaction's: the write pool would wait for it forever.
				return insertSetting(ctx, d.Writer(ctx), "writer")
			})
			if err != nil {
				return err
			}
			if n := countSettings(t, ctx, d.Reader(ctx)); n != 3 {
				t.Errorf("inside, the transaction's reader sees %d rows, want 3", n)
			}
			if n := countSettings(t, ctx, d.Read()); n != 0 {
				t.Errorf("before the commit, the read pool sees %d rows, want 0", n)
			}
			if commits.Load() != 0 {
				t.Error("a nested transaction ran the commit hooks")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := countSettings(t, ctx, d.Read()); n != 3 {
			t.Fatalf("after the commit %d rows, want 3", n)
		}
		if commits.Load() != 1 {
			t.Fatalf("commit hooks ran %d times, want once", commits.Load())
		}
		if d.InTransaction(ctx) || d.Reader(ctx) != db.Queryer(d.Read()) {
			t.Fatal("a plain context reads through a transaction")
		}
	})
}

func TestAFailedNestedTransactionDoomsTheOuterOne(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var commits atomic.Int32
		d.OnCommit(func() { commits.Add(1) })
		boom := errors.New("boom")
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := insertSetting(ctx, tx, "outer"); err != nil {
				return err
			}
			_ = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				if err := insertSetting(ctx, tx, "half"); err != nil {
					return err
				}
				return boom
			})
			return nil // ignores the failure: the transaction must still roll back
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the nested failure", err)
		}
		// And an outer failure undoes a nested success.
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return insertSetting(ctx, tx, "nested") }); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if n := countSettings(t, ctx, d.Read()); n != 0 || commits.Load() != 0 {
			t.Fatalf("%d rows and %d commits after rollbacks", n, commits.Load())
		}
	})
}

func TestAContextOutlivingItsTransactionIsRefused(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		var kept context.Context
		err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			kept = ctx
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = d.Tx(kept, func(kept context.Context, tx *sql.Tx) error { return insertSetting(kept, tx, "late") })
		if !errors.Is(err, db.ErrTxEnded) {
			t.Fatalf("err = %v, want ErrTxEnded", err)
		}
	})
}

func TestContentionIsRetriedAtTheOutermostLevel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() == db.SQLite {
			t.Skip("SQLite contention happens when a write transaction begins, which is always the outermost")
		}
		ctx := context.Background()
		var attempts int
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			attempts++
			if err := insertSetting(ctx, tx, "k"); err != nil {
				return err
			}
			return d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				if attempts > 1 {
					return nil
				}
				_, err := tx.ExecContext(ctx,
					`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40001'; END $$`)
				return err
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := countSettings(t, ctx, d.Read()); attempts != 2 || n != 1 {
			t.Fatalf("%d attempts, %d rows; want 2 and 1", attempts, n)
		}
	})
}
