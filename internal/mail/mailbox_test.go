package mail_test

import (
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
)

// insertMailbox stores a mailbox row for addr and returns its id.
// TODO(lead): build it through internal/mailbox once that package exists.
func insertMailbox(t *testing.T, d *db.DB, addr string) int64 {
	t.Helper()
	var id int64
	err := d.Write().QueryRow(`INSERT INTO mailboxes (address) VALUES ($1) RETURNING id`, addr).Scan(&id)
	if err != nil {
		t.Fatalf("insert mailbox: %v", err)
	}
	return id
}
