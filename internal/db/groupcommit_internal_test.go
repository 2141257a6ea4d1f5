package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// openBatchTest opens a SQLite database with one table, t(k TEXT PRIMARY KEY).
func openBatchTest(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Write().Exec(`CREATE TABLE t (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return d
}

// holdWriter starts a transaction that keeps the writer until release is
// closed, and returns once it holds it.
func holdWriter(t *testing.T, d *DB) (release chan struct{}, done chan error) {
	t.Helper()
	release, done, holding := make(chan struct{}), make(chan error, 1), make(chan struct{})
	go func() {
		done <- d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			close(holding)
			<-release
			_, err := tx.Exec(`INSERT INTO t (k) VALUES ('holder')`)
			return err
		})
	}()
	<-holding
	return release, done
}

// queue starts n transactions behind the holder, one after the other, so
// they queue (and run) in order.
func queue(t *testing.T, d *DB, n int, fn func(i int, tx *sql.Tx) error) []chan error {
	t.Helper()
	out := make([]chan error, n)
	for i := range n {
		out[i] = make(chan error, 1)
		go func() {
			out[i] <- d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error { return fn(i, tx) })
		}()
		for len(d.group.jobs) < i+1 {
			time.Sleep(100 * time.Microsecond)
		}
	}
	return out
}

func countRows(t *testing.T, d *DB) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Transactions that queue while the writer is busy commit together, and a
// member that fails or exits its goroutine takes only its own part with it.
func TestQueuedTransactionsCommitAsOneBatch(t *testing.T) {
	d := openBatchTest(t)
	var commits sync.WaitGroup
	commits.Add(2)
	d.OnCommit(commits.Done)
	release, held := holdWriter(t, d)
	errOdd := errors.New("odd")
	results := queue(t, d, 10, func(i int, tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO t (k) VALUES ($1)`, fmt.Sprint(i)); err != nil {
			return err
		}
		switch {
		case i == 4:
			runtime.Goexit() // as t.Fatal in a test's transaction would
		case i%2 == 1:
			return errOdd
		}
		return nil
	})
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for i, res := range results {
		if i == 4 {
			continue // its goroutine exited before it could answer
		}
		err := <-res
		if (i%2 == 1) != errors.Is(err, errOdd) || (i%2 == 0 && err != nil) {
			t.Fatalf("transaction %d answered %v", i, err)
		}
	}
	commits.Wait() // the holder's commit and the batch's: two, not ten
	if n := countRows(t, d); n != 1+4 {
		t.Fatalf("%d rows, want the holder's and 0, 2, 6, 8", n)
	}
}

// A batch that breaks (here a member ends the transaction itself) is rolled
// back, and its members that had succeeded run again and commit.
func TestABrokenBatchRunsItsMembersAgain(t *testing.T) {
	d := openBatchTest(t)
	release, held := holdWriter(t, d)
	var mu sync.Mutex
	runs := map[int]int{}
	results := queue(t, d, 6, func(i int, tx *sql.Tx) error {
		mu.Lock()
		runs[i]++
		mu.Unlock()
		if _, err := tx.Exec(`INSERT INTO t (k) VALUES ($1)`, fmt.Sprint(i)); err != nil {
			return err
		}
		if i == 3 {
			_, err := tx.Exec(`ROLLBACK`) // the whole transaction is gone
			return err
		}
		return nil
	})
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	var failed int
	for i, res := range results {
		if err := <-res; err != nil {
			if i != 3 {
				t.Fatalf("transaction %d answered %v", i, err)
			}
			failed++
		}
	}
	// Transaction 3 broke the batch and fails; 0 to 2 ran again; 4 and 5
	// ran once, in the next batch; everyone else is kept exactly once.
	if n := countRows(t, d); failed != 1 || n != 1+5 {
		t.Fatalf("%d failed, %d rows; want 1 and 6", failed, n)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := map[int]int{0: 2, 1: 2, 2: 2, 3: 1, 4: 1, 5: 1}; fmt.Sprint(runs) != fmt.Sprint(want) {
		t.Fatalf("runs %v, want %v", runs, want)
	}
}

// Close waits for the queued transactions, and later ones are refused.
func TestCloseDrainsTheQueue(t *testing.T) {
	d := openBatchTest(t)
	release, held := holdWriter(t, d)
	results := queue(t, d, 3, func(i int, tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO t (k) VALUES ($1)`, fmt.Sprint(i))
		return err
	})
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for i, res := range results {
		if err := <-res; err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if err := d.Tx(context.Background(), func(context.Context, *sql.Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("a transaction after Close: %v", err)
	}
}
