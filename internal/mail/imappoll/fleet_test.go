package imappoll_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mail/imappoll"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// The fleet starts a poller per account given, stops those taken away and
// ends them all with its context.
func TestFleetFollowsTheAccounts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		addr := imapServer(t)
		files := attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), settings.NewStore(d))
		box := &mail.Mailbox{ID: insertMailbox(t, d, "support@example.com"), Address: "support@example.com"}
		intake := mail.NewIntake(d, ticket.NewService(d), files, directory{box.Address: box}, mail.Options{}, testutil.Logger(t))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		fleet := imappoll.NewFleet(ctx, imappoll.New(intake, 20*time.Millisecond, testutil.Logger(t)))
		account := imappoll.Account{Mailbox: box, Addr: addr, Security: imappoll.SecurityNone,
			Username: "support", Password: "secret"}

		fleet.Sync([]imappoll.Account{account})
		fleet.Sync([]imappoll.Account{account}) // unchanged: the same run goes on
		if got := fleet.Running(); !slices.Equal(got, []int64{box.ID}) {
			t.Fatalf("running %v", got)
		}
		appendMail(t, addr, mailText(1))
		waitForTickets(t, d, 1)

		fleet.Sync(nil)
		if got := fleet.Running(); len(got) != 0 {
			t.Fatalf("running %v after removal", got)
		}
		// A changed account (here its folder) is restarted with the new
		// settings: a folder that does not exist makes its session fail,
		// which it retries without taking the fleet down.
		account.Folder = "Missing"
		fleet.Sync([]imappoll.Account{account})
		account.Folder = ""
		fleet.Sync([]imappoll.Account{account})
		appendMail(t, addr, mailText(2))
		waitForTickets(t, d, 2)

		cancel()
		fleet.Wait()
		fleet.Sync([]imappoll.Account{account}) // after the end: starts nothing
		fleet.Wait()
	})
}

func waitForTickets(t *testing.T, d *db.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for testutil.Count(t, d, "tickets") < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := testutil.Count(t, d, "tickets"); got != n {
		t.Fatalf("%d tickets, want %d", got, n)
	}
}
