package db

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The migrations are the one definition of the schema: one ordered set per
// dialect, each file run in its own transaction and recorded by goose.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

func (d *DB) provider(ctx context.Context) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(d.dialect))
	if err != nil {
		return nil, err
	}
	var (
		dialect = goose.DialectSQLite3
		opts    []goose.ProviderOption
	)
	if d.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several nodes may start at once; a session lock lets one migrate
		// while the others wait. The lock is per schema, since each schema
		// has its own migrations.
		var schema string
		if err := d.write.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return nil, fmt.Errorf("read current schema: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("centerdesk:" + schema))
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(int64(h.Sum64()>>1)),
			lock.WithLockTimeout(1, 300),
		)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.write, sub, opts...)
}

// Migrate brings the schema up to date. It refuses a database whose schema is
// newer than this binary knows, since serving it could corrupt data.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	p, err := d.provider(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	sources := p.ListSources()
	latest := sources[len(sources)-1].Version
	if current > latest {
		return fmt.Errorf("the database schema is at version %d but this Centerdesk knows only up to %d: run a newer Centerdesk", current, latest)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// SchemaVersion reports the applied schema version.
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := d.provider(ctx)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// MigrationsDigest names the schema these migrations build: the same text in
// the same order gives the same digest. Tests key a migrated template by it,
// so that a database is migrated once per schema, not once per test.
func MigrationsDigest() string {
	h := sha256.New()
	err := fs.WalkDir(migrations, "migrations", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(body))
		h.Write(body)
		return nil
	})
	if err != nil {
		// The files are embedded in the binary: failing to read them is a
		// broken build, not a condition to handle.
		panic(fmt.Sprintf("db: read embedded migrations: %v", err))
	}
	return hex.EncodeToString(h.Sum(nil))
}
