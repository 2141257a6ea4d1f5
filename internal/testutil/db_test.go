package testutil_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// Each test's database is a copy of its own: what one test writes, another
// copy of the same migrated template does not see.
func TestEachTestHasADatabaseOfItsOwn(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, first *db.DB) {
		ctx := context.Background()
		second := another(t, first)
		if _, err := first.Writer(ctx).ExecContext(ctx,
			`INSERT INTO settings (key, value, updated_at) VALUES ('only.here', 'yes', '2026-12-08T03:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		if a, b := testutil.Count(t, first, "settings"), testutil.Count(t, second, "settings"); a != b+1 {
			t.Fatalf("the first database has %d settings and the second %d: want one more in the first", a, b)
		}
	})
}

// another gives a second test database of d's dialect.
func another(t *testing.T, d *db.DB) *db.DB {
	if d.Dialect() == db.Postgres {
		return testutil.NewPostgres(t)
	}
	return testutil.NewSQLite(t)
}
