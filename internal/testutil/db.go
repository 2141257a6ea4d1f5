// Package testutil gives tests real databases: a fresh SQLite file, or a
// fresh PostgreSQL database, each a copy of one built by the migrations.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

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
// directory: a copy of one migrated once per test binary, since migrating
// takes seconds a database under the race detector.
func NewSQLite(t testing.TB) *db.DB {
	t.Helper()
	image, err := sqliteTemplate()
	if err != nil {
		t.Fatalf("build the migrated SQLite template: %v", err)
	}
	path := filepath.Join(t.TempDir(), "centerdesk.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		t.Fatalf("copy the SQLite template: %v", err)
	}
	return open(t, path)
}

// sqliteTemplate migrates a database once and returns its file's bytes.
// VACUUM INTO writes a complete, consistent file, with no write-ahead log
// beside it to copy too.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "centerdesk-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	d, err := db.Open(ctx, filepath.Join(dir, "migrating.db"), db.Options{})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := d.Migrate(ctx, discard); err != nil {
		return nil, err
	}
	image := filepath.Join(dir, "template.db")
	if _, err := d.Writer(ctx).ExecContext(ctx, "VACUUM INTO ?", image); err != nil {
		return nil, err
	}
	return os.ReadFile(image)
})

// NewPostgres returns a migrated PostgreSQL database of the test's own,
// copied from a migrated template and dropped when the test ends.
func NewPostgres(t testing.TB) *db.DB {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	template, err := postgresTemplate(base)
	if err != nil {
		t.Fatalf("build the migrated PostgreSQL template (is PostgreSQL running at %s?): %v", redact(base), err)
	}
	admin, err := postgresAdmin()
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	name := "t_" + randomHex(t, 8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template); err != nil {
		t.Fatalf("create database %s from %s: %v", name, template, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return open(t, WithDatabase(t, base, name))
}

// postgresAdmin is the pool that creates and drops the tests' databases.
var postgresAdmin = sync.OnceValues(func() (*sql.DB, error) {
	return sql.Open("pgx", os.Getenv(PostgresEnv))
})

// templateLock is the advisory lock under which one test binary builds the
// template while the others, running at the same time, wait for it.
const templateLock = 0x63647470 // "cdtp"

// postgresTemplate returns the name of a database migrated to this build's
// schema, building it if no test binary has yet. Its name carries the
// migrations' digest, so a changed migration builds a new one, and a template
// half-built by a killed run is never used: it is renamed only once migrated.
func postgresTemplate(base string) (string, error) {
	templateOnce.Do(func() { templateName, templateErr = buildPostgresTemplate(base) })
	return templateName, templateErr
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

func buildPostgresTemplate(base string) (string, error) {
	ctx := context.Background()
	name := "cdt_" + db.MigrationsDigest()[:16]
	admin, err := postgresAdmin()
	if err != nil {
		return "", err
	}
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", templateLock)
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + building + " WITH (FORCE)", "CREATE DATABASE " + building} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return "", err
		}
	}
	target, err := withDatabase(base, building)
	if err != nil {
		return "", err
	}
	if err := migrate(ctx, target); err != nil {
		return "", fmt.Errorf("migrate the template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	dropStaleTemplates(ctx, conn, name)
	return name, nil
}

func migrate(ctx context.Context, target string) error {
	d, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Migrate(ctx, discard)
}

// keptTemplates is how many templates of other schemas stay: other
// checkouts of the project (a branch with a new migration, say) may be
// copying theirs right now.
const keptTemplates = 5

// dropStaleTemplates removes the oldest templates of other schemas beyond
// keptTemplates. One still being copied refuses to go and is left for the
// next time.
func dropStaleTemplates(ctx context.Context, conn *sql.Conn, current string) {
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database
		WHERE datname LIKE 'cdt\_%' AND datname NOT LIKE '%\_building' AND datname <> $1
		ORDER BY oid DESC OFFSET $2`, current, keptTemplates)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize())
	}
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

// WithDatabase returns base pointing at the database name instead.
func WithDatabase(t testing.TB, base, name string) string {
	t.Helper()
	target, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	return target
}

func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// open opens a database that is already migrated.
func open(t testing.TB, target string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), target, db.Options{})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

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
