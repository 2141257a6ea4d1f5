package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// Many writers at once, some failing and some panicking: on SQLite they
// share group commits, and still exactly the work of those that succeeded
// is kept, each told the truth, and the commit hooks run.
func TestConcurrentTransactionsKeepOnlyTheSuccessfulOnes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		commits := make(chan struct{}, 1000)
		d.OnCommit(func() {
			select {
			case commits <- struct{}{}:
			default:
			}
		})
		const workers, each = 16, 30
		errFail := errors.New("refused")
		var wg sync.WaitGroup
		results := make([][]error, workers)
		for w := range workers {
			results[w] = make([]error, each)
			wg.Go(func() {
				for i := range each {
					key := fmt.Sprintf("w%02d-%02d", w, i)
					results[w][i] = runOne(ctx, d, key, i%5, errFail)
				}
			})
		}
		wg.Wait()
		want := 0
		for w := range workers {
			for i, err := range results[w] {
				switch i % 5 {
				case 1:
					if !errors.Is(err, errFail) {
						t.Fatalf("w%d %d: failing transaction answered %v", w, i, err)
					}
				case 2:
					if err == nil || err.Error() != "panicked: boom" {
						t.Fatalf("w%d %d: panicking transaction answered %v", w, i, err)
					}
				default:
					if err != nil {
						t.Fatalf("w%d %d: %v", w, i, err)
					}
					want++
				}
			}
		}
		rows, err := d.Read().QueryContext(ctx, `SELECT key FROM settings WHERE key LIKE 'w%' ORDER BY key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := 0
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				t.Fatal(err)
			}
			var w, i int
			fmt.Sscanf(key, "w%d-%d", &w, &i)
			if i%5 == 1 || i%5 == 2 {
				t.Fatalf("%s was kept, though its transaction failed", key)
			}
			got++
		}
		if got != want || got != testutil.Count(t, d, "settings") {
			t.Fatalf("%d rows kept, want %d", got, want)
		}
		if len(commits) == 0 {
			t.Fatal("the commit hooks did not run")
		}
	})
}

// runOne writes key in a transaction that succeeds, fails, or panics after
// writing (as mode says), and answers what Tx answered, a panic included.
func runOne(ctx context.Context, d *db.DB, key string, mode int, errFail error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panicked: %v", p)
		}
	}()
	return d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, 'v', $2)`,
			key, db.Time(db.Now())); err != nil {
			return err
		}
		switch mode {
		case 1:
			return errFail
		case 2:
			panic("boom")
		}
		return nil
	})
}
