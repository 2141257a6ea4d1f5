package mail_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestDBDirectoryFindsTheConfiguredMailboxes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		sbox, err := secret.NewBox(make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		boxes := mailbox.NewService(d, sbox)
		tm, err := team.NewService(d).Create(ctx, team.NewTeam{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		billing, err := boxes.Create(ctx, mailbox.NewMailbox{Address: "billing@example.com", TeamID: &tm.ID})
		if err != nil {
			t.Fatal(err)
		}
		off := false
		imapOnly, err := boxes.Create(ctx, mailbox.NewMailbox{Address: "imap@example.com", InboundSMTP: &off,
			IMAPHost: "imap.example.com", IMAPUser: "u"})
		if err != nil {
			t.Fatal(err)
		}
		all := mail.DBDirectory{Mailboxes: boxes}
		listener := mail.DBDirectory{Mailboxes: boxes, SMTPOnly: true}

		got, err := listener.Lookup(ctx, "Billing@Example.COM")
		if err != nil || got.ID != billing.ID || got.Address != "billing@example.com" ||
			got.TeamID == nil || *got.TeamID != tm.ID {
			t.Fatalf("lookup billing: %+v, %v", got, err)
		}
		if _, err := listener.Lookup(ctx, "imap@example.com"); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("the listener finds a mailbox without inbound SMTP: %v", err)
		}
		if got, err := all.Lookup(ctx, "imap@example.com"); err != nil || got.ID != imapOnly.ID {
			t.Errorf("the full directory misses a mailbox: %+v, %v", got, err)
		}
		for _, addr := range []string{"nobody@example.com", "not an address", ""} {
			if _, err := all.Lookup(ctx, addr); !apperr.Is(err, apperr.KindNotFound) {
				t.Errorf("lookup %q: %v, want not found", addr, err)
			}
		}
		// Inside a transaction (as intake asks), the lookup reads through
		// it and sees the transaction's own writes.
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE mailboxes SET address = 'renamed@example.com' WHERE id = $1`, billing.ID); err != nil {
				return err
			}
			got, err := all.Lookup(ctx, "renamed@example.com")
			if err != nil || got.ID != billing.ID {
				t.Errorf("lookup inside the transaction: %+v, %v", got, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
