package db_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// openEmpty returns a database of each dialect with no schema yet.
func openEmpty(t *testing.T, dialect string) *db.DB {
	t.Helper()
	ctx := context.Background()
	target := filepath.Join(t.TempDir(), "centerdesk.db")
	if dialect == "postgres" {
		base := testutil.PostgresURL(t)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		b := make([]byte, 8)
		rand.Read(b)
		schema := "t_" + hex.EncodeToString(b)
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
		target = testutil.WithSearchPath(t, base, schema)
	}
	d, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestLeadRoleMigrationKeepsEveryReference fills a version-19 database with
// users and rows that reference them, runs 00020 (which rebuilds the users
// table on SQLite), and checks that the rows, their references and the
// foreign keys themselves survived, and that the lead role is accepted.
func TestLeadRoleMigrationKeepsEveryReference(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := openEmpty(t, dialect)
			if err := db.MigrateTo(ctx, d, 19); err != nil {
				t.Fatalf("migrate to 19: %v", err)
			}
			w := d.Write()
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := w.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			now := db.Time(db.Now())
			exec(`INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES
				(1, 'ada@example.com', 'Ada', 'admin', $1, $1), (2, 'bo@example.com', 'Bo', 'agent', $1, $1),
				(3, 'cy@example.com', 'Cy', 'agent', $1, $1)`, now)
			exec(`INSERT INTO teams (id, name, created_at, updated_at) VALUES (1, 'Support', $1, $1)`, now)
			exec(`INSERT INTO team_members (team_id, user_id) VALUES (1, 2), (1, 3)`)
			exec(`INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, created_at)
				VALUES (1, 2, 't', 'cdk_', 'h1', $1), (2, 3, 't', 'cdk_', 'h2', $1)`, now)
			exec(`INSERT INTO audit_log (at, actor_id, actor, action) VALUES ($1, 1, 'ada', 'x')`, now)
			exec(`UPDATE philosophy SET updated_by = 2 WHERE id = 1`)

			if err := db.MigrateTo(ctx, d, 20); err != nil {
				t.Fatalf("migrate to 20: %v", err)
			}
			checkReferences(t, d, dialect)
			exec(`UPDATE users SET role = 'lead' WHERE id = 2`)
			if _, err := w.ExecContext(ctx, `UPDATE users SET role = 'boss' WHERE id = 3`); err == nil {
				t.Fatal("the role CHECK accepts 'boss'")
			}
			// The foreign keys point at the new table: a dangling reference
			// is refused and deleting a user cascades.
			if _, err := w.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id) VALUES (1, 99)`); err == nil {
				t.Fatal("a team member who is no user was accepted")
			}
			exec(`DELETE FROM users WHERE id = 3`)
			if n := countWhere(t, d, `SELECT COUNT(*) FROM api_tokens WHERE user_id = 3`); n != 0 {
				t.Fatalf("deleting user 3 left %d tokens", n)
			}

			// Down turns leads back into agents and keeps the references.
			if err := db.MigrateTo(ctx, d, 19); err != nil {
				t.Fatalf("migrate down to 19: %v", err)
			}
			if n := countWhere(t, d, `SELECT COUNT(*) FROM users WHERE id = 2 AND role = 'agent'`); n != 1 {
				t.Fatal("down did not make the lead an agent again")
			}
			if _, err := w.ExecContext(ctx, `UPDATE users SET role = 'lead' WHERE id = 2`); err == nil {
				t.Fatal("after down, the role CHECK still accepts 'lead'")
			}
			if dialect == "sqlite" {
				checkForeignKeys(t, d)
			}
		})
	}
}

func checkReferences(t *testing.T, d *db.DB, dialect string) {
	t.Helper()
	if n := countWhere(t, d, `SELECT COUNT(*) FROM users`); n != 3 {
		t.Fatalf("%d users after the migration, want 3", n)
	}
	joined := countWhere(t, d, `SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.user_id
		JOIN api_tokens k ON k.user_id = u.id`)
	if joined != 2 {
		t.Fatalf("%d team members join their users and tokens, want 2", joined)
	}
	if n := countWhere(t, d, `SELECT COUNT(*) FROM philosophy p JOIN users u ON u.id = p.updated_by WHERE u.name = 'Bo'`); n != 1 {
		t.Fatal("philosophy.updated_by lost its user")
	}
	if dialect != "sqlite" {
		return
	}
	checkForeignKeys(t, d)
	var leftover int
	err := d.Read().QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM sqlite_master WHERE name = 'users_new' OR sql LIKE '%users_new%'`).Scan(&leftover)
	if err != nil || leftover != 0 {
		t.Fatalf("the schema still names users_new (%d, %v)", leftover, err)
	}
}

// checkForeignKeys checks that the writer enforces foreign keys again and
// that no row references a missing one.
func checkForeignKeys(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	var on int
	if err := d.Write().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Fatalf("foreign_keys = %d (%v) on the writer after the migration, want 1", on, err)
	}
	rows, err := d.Read().QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var table string
		var rowid, fkid sql.NullInt64
		var parent string
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, table+"->"+parent)
	}
	if len(bad) > 0 {
		t.Fatalf("foreign_key_check: %s", strings.Join(bad, ", "))
	}
}

func countWhere(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestLeadRoleMigrationStopsOnADanglingReference checks the guard of the
// SQLite rebuild: a row that references no user (possible only if foreign
// keys were once off) stops the migration instead of being carried over.
func TestLeadRoleMigrationStopsOnADanglingReference(t *testing.T) {
	ctx := context.Background()
	d := openEmpty(t, "sqlite")
	if err := db.MigrateTo(ctx, d, 19); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`PRAGMA foreign_keys = OFF`,
		`INSERT INTO teams (id, name, created_at, updated_at) VALUES (1, 'Support', 'x', 'x')`,
		`INSERT INTO team_members (team_id, user_id) VALUES (1, 42)`, `PRAGMA foreign_keys = ON`} {
		if _, err := d.Write().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err := db.MigrateTo(ctx, d, 20)
	if err == nil || !strings.Contains(err.Error(), "CHECK") {
		t.Fatalf("migrating over a dangling reference: %v, want the guard's CHECK failure", err)
	}
}
