// Package testutil gives tests real databases: a fresh SQLite file, or a
// fresh PostgreSQL schema, built by the migrations.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
)

// PostgresEnv names the variable that points tests at a PostgreSQL server.
const PostgresEnv = "CENTERDESK_TEST_POSTGRES_URL"

// ForEachDB runs fn as a subtest named "sqlite" on a fresh SQLite database
// and as "postgres" on a fresh PostgreSQL schema. The PostgreSQL subtest skips
// when PostgresEnv is unset on a developer's machine, and fails in CI.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, NewSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, NewPostgres(t))
	})
}

// Logger returns a logger that writes to the test's log only when the test
// runs verbosely, and discards otherwise.
func Logger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// NewSQLite returns a migrated SQLite database in the test's temporary
// directory.
func NewSQLite(t testing.TB) *db.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "centerdesk.db")
	return openAndMigrate(t, path)
}

// NewPostgres returns a migrated database in a new PostgreSQL schema that is
// dropped when the test ends.
func NewPostgres(t testing.TB) *db.DB {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "t_" + randomHex(t, 8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL running at %s?): %v", redact(base), err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return openAndMigrate(t, WithSearchPath(t, base, schema))
}

// PostgresURL returns the test server's URL, skipping the test on a
// developer's machine without one and failing it in CI, where a skipped
// PostgreSQL test would hide a broken dialect.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", PostgresEnv)
		}
		t.Skipf("%s is not set; set it to run the PostgreSQL tests", PostgresEnv)
	}
	return base
}

// WithSearchPath returns base with its search_path set to schema.
func WithSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openAndMigrate(t testing.TB, target string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, Logger(t)); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the configured URL"
	}
	return u.Redacted()
}
