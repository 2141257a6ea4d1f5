package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestTimesRoundTripAndCompare(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		early := time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
		late := early.Add(90 * time.Millisecond)
		for i, at := range []time.Time{late, early} {
			_, err := d.Write().ExecContext(ctx,
				`INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)`,
				[]string{"late", "early"}[i], "v", db.Time(at))
			if err != nil {
				t.Fatal(err)
			}
		}
		var key string
		var got time.Time
		err := d.Read().QueryRowContext(ctx,
			`SELECT key, updated_at FROM settings WHERE updated_at < $1 ORDER BY updated_at LIMIT 1`,
			db.Time(late)).Scan(&key, db.ScanTime(&got))
		if err != nil {
			t.Fatal(err)
		}
		if key != "early" || !got.Equal(early) {
			t.Fatalf("got %s at %v, want early at %v", key, got, early)
		}
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', $1)`, db.Time(db.Now())); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("rolled-back insert left %d rows", n)
		}
	})
}

func TestConcurrentTransactionsAllCommit(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
						_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, 'v', $2)`,
							strings.Repeat("k", 1)+string(rune('a'+w))+string(rune('A'+i)), db.Time(db.Now()))
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != workers*each {
			t.Fatalf("%d rows, want %d", n, workers*each)
		}
	})
}

func TestUniqueViolationIsRecognised(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := `INSERT INTO settings (key, value, updated_at) VALUES ('dup', 'v', $1)`
		if _, err := d.Write().ExecContext(ctx, q, db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		_, err := d.Write().ExecContext(ctx, q, db.Time(db.Now()))
		if !db.IsUniqueViolation(err) {
			t.Fatalf("err = %v, want a unique violation", err)
		}
	})
}

func TestOpenUnreachablePostgresFailsClearly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := db.Open(ctx, "postgres://centerdesk:secret@127.0.0.1:1/nowhere?connect_timeout=2", db.Options{})
	if err == nil {
		t.Fatal("opened an unreachable database")
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot reach the postgres database at postgres://centerdesk@127.0.0.1:1/nowhere") {
		t.Fatalf("unclear message: %s", msg)
	}
	if strings.Contains(msg, "secret") {
		t.Fatalf("message leaks the password: %s", msg)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	d := testutil.NewSQLite(t)
	ctx := context.Background()
	if _, err := d.Write().ExecContext(ctx,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, 1)`); err != nil {
		t.Fatal(err)
	}
	err := d.Migrate(ctx, testutil.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "run a newer Centerdesk") {
		t.Fatalf("err = %v, want a refusal of the newer schema", err)
	}
}

func TestInList(t *testing.T) {
	marks, args := db.InList(3, []int64{7, 8, 9})
	if marks != "$3, $4, $5" || len(args) != 3 || args[0] != int64(7) || args[2] != int64(9) {
		t.Errorf("InList(3, [7 8 9]) = %q, %v", marks, args)
	}
	if marks, args := db.InList(1, nil); marks != "" || len(args) != 0 {
		t.Errorf("InList(1, nil) = %q, %v", marks, args)
	}
}

// TestConnIsForPostgresOnly: a dedicated connection on SQLite would hold
// the one writer connection and stall every transaction.
func TestConnIsForPostgresOnly(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		conn, err := d.Conn(ctx)
		if d.Dialect() == db.SQLite {
			if err == nil {
				conn.Close()
				t.Fatal("Conn on SQLite: want an error")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var one int
		if err := conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
			t.Fatalf("SELECT 1 = %d, %v", one, err)
		}
	})
}
