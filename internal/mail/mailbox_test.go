package mail_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
)

// insertMailbox creates a mailbox for addr through internal/mailbox, as an
// admin would, and returns its id.
func insertMailbox(t *testing.T, d *db.DB, addr string) int64 {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mailbox.NewService(d, box).Create(context.Background(), mailbox.NewMailbox{Address: addr})
	if err != nil {
		t.Fatalf("create mailbox: %v", err)
	}
	return m.ID
}
