package db_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
)

// TestSessionHashMigrationDropsPlaintextSessions fills a version-22
// database with a session stored under its token, as Centerdesk did before
// 00024, and checks that the migration removes it (its token must not be
// left readable) and that sessions are then keyed by token_hash.
func TestSessionHashMigrationDropsPlaintextSessions(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := openEmpty(t, dialect)
			if err := db.MigrateTo(ctx, d, 22); err != nil {
				t.Fatalf("migrate to 22: %v", err)
			}
			if _, err := d.Write().ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)`,
				"plaintext-token", []byte("data"), db.Time(db.Now().Add(3600e9))); err != nil {
				t.Fatal(err)
			}
			if err := db.MigrateTo(ctx, d, 24); err != nil {
				t.Fatalf("migrate to 24: %v", err)
			}
			var n int
			if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("%d plaintext sessions survived the migration", n)
			}
			if _, err := d.Write().ExecContext(ctx, `INSERT INTO sessions (token_hash, data, expiry) VALUES ($1, $2, $3)`,
				"hash", []byte("data"), db.Time(db.Now())); err != nil {
				t.Fatalf("sessions are not keyed by token_hash: %v", err)
			}
		})
	}
}
