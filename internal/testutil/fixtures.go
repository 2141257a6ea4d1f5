package testutil

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

var userSeq atomic.Int64

// NewUser inserts a user with role "admin", "lead" or "agent" and no password, and
// returns its id. It writes the row directly, so tests of other domains need
// not build the user service.
func NewUser(t testing.TB, d *db.DB, role string) int64 {
	t.Helper()
	var id int64
	now := db.Time(db.Now())
	email := fmt.Sprintf("%s%d@example.com", role, userSeq.Add(1))
	err := d.Write().QueryRow(`INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, email, "Test "+role, role, now).Scan(&id)
	if err != nil {
		t.Fatalf("testutil: new %s: %v", role, err)
	}
	return id
}

// As returns a context whose changes are attributed to the user id.
func As(userID int64) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{UserID: userID, Label: fmt.Sprintf("user%d", userID)})
}

// Count returns the number of rows in table, for tests that check a failed
// request changed nothing. table must be a literal from the test.
func Count(t testing.TB, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Write().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("testutil: count %s: %v", table, err)
	}
	return n
}
