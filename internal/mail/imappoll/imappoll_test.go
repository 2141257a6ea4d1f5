package imappoll_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mail/imappoll"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

type directory map[string]*mail.Mailbox

func (d directory) Lookup(_ context.Context, addr string) (*mail.Mailbox, error) {
	if b, ok := d[addr]; ok {
		return b, nil
	}
	return nil, apperr.NotFound("mailbox")
}

// imapServer starts a real IMAP server (go-imap's in-memory one) with a
// user whose INBOX the test fills.
func imapServer(t *testing.T) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("support", "secret")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// appendMail puts a message into the INBOX, as a mail server delivering
// to the account would.
func appendMail(t *testing.T, addr string, raw string) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("support", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func mailText(n int) string {
	return fmt.Sprintf("From: Ann <ann@customer.example>\r\nTo: support@example.com\r\nSubject: Question %d\r\n"+
		"Message-ID: <q%d@customer.example>\r\n\r\nQuestion number %d.\r\n", n, n, n)
}

func TestPollStoresOnceAcrossRestarts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		addr := imapServer(t)
		tickets := ticket.NewService(d)
		files := attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), settings.NewStore(d))
		box := &mail.Mailbox{ID: insertMailbox(t, d, "support@example.com"), Address: "support@example.com"}
		intake := mail.NewIntake(d, tickets, files, directory{box.Address: box}, mail.Options{}, testutil.Logger(t))
		account := imappoll.Account{Mailbox: box, Addr: addr, Security: imappoll.SecurityNone,
			Username: "support", Password: "secret"}
		p := imappoll.New(intake, time.Minute, testutil.Logger(t))
		ctx := context.Background()

		appendMail(t, addr, mailText(1))
		appendMail(t, addr, mailText(2))
		// A restart after the commit but before the \Seen flag: message 2
		// is stored already and still unseen on the server.
		if _, err := intake.Deliver(ctx, mail.Delivery{Mailbox: box, Raw: []byte(mailText(2))}); err != nil {
			t.Fatal(err)
		}
		st, err := p.PollOnce(ctx, account)
		if err != nil || st.Stored != 1 || st.Duplicates != 1 || st.Skipped != 0 {
			t.Fatalf("first poll %+v, %v", st, err)
		}
		// A second poller process finds nothing new.
		st, err = imappoll.New(intake, time.Minute, testutil.Logger(t)).PollOnce(ctx, account)
		if err != nil || st != (imappoll.Stats{}) {
			t.Fatalf("second poll %+v, %v", st, err)
		}
		appendMail(t, addr, mailText(3))
		if st, err = p.PollOnce(ctx, account); err != nil || st.Stored != 1 {
			t.Fatalf("third poll %+v, %v", st, err)
		}
		if n := testutil.Count(t, d, "tickets"); n != 3 {
			t.Errorf("%d tickets, want 3", n)
		}
		if n := testutil.Count(t, d, "email_messages"); n != 3 {
			t.Errorf("%d email records, want 3", n)
		}
	})
}

// Run takes mail as it arrives and ends with its context.
func TestRunWatchesTheFolder(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		addr := imapServer(t)
		tickets := ticket.NewService(d)
		files := attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), settings.NewStore(d))
		box := &mail.Mailbox{ID: insertMailbox(t, d, "support@example.com"), Address: "support@example.com"}
		intake := mail.NewIntake(d, tickets, files, directory{box.Address: box}, mail.Options{}, testutil.Logger(t))
		p := imappoll.New(intake, 20*time.Millisecond, testutil.Logger(t))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.Run(ctx, imappoll.Account{Mailbox: box, Addr: addr, Security: imappoll.SecurityNone,
				Username: "support", Password: "secret"})
		}()
		appendMail(t, addr, mailText(7))
		deadline := time.Now().Add(10 * time.Second)
		for testutil.Count(t, d, "tickets") == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		if n := testutil.Count(t, d, "tickets"); n != 1 {
			t.Errorf("%d tickets", n)
		}
	})
}

func insertMailbox(t *testing.T, d *db.DB, addr string) int64 {
	t.Helper()
	var id int64
	err := d.Write().QueryRow(`INSERT INTO mailboxes (address) VALUES ($1) RETURNING id`, addr).Scan(&id)
	if err != nil {
		t.Fatalf("insert mailbox: %v", err)
	}
	return id
}
