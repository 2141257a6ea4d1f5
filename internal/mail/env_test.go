package mail_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// env is an intake over a real database, with one support mailbox.
type env struct {
	t       *testing.T
	d       *db.DB
	tickets *ticket.Service
	files   *attachment.Service
	intake  *mail.Intake
	box     *mail.Mailbox
	dir     directory

	mu   sync.Mutex
	acks []int64 // tickets acknowledged
}

// directory is the set of configured mailboxes.
type directory map[string]*mail.Mailbox

func (d directory) Lookup(_ context.Context, addr string) (*mail.Mailbox, error) {
	if b, ok := d[strings.ToLower(addr)]; ok {
		return b, nil
	}
	return nil, apperr.NotFound("mailbox")
}

var tokenKey = []byte("test token key")

// testToken signs a ticket number as the subject token does.
func testToken(number int64) string {
	h := hmac.New(sha256.New, tokenKey)
	fmt.Fprintf(h, "%d", number)
	return fmt.Sprintf("[#%d-%s]", number, hex.EncodeToString(h.Sum(nil))[:6])
}

var tokenPattern = regexp.MustCompile(`\[#(\d+)-([0-9a-f]{6})\]`)

func parseTestToken(subject string) []int64 {
	var out []int64
	for _, m := range tokenPattern.FindAllStringSubmatch(subject, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err == nil && hmac.Equal([]byte(testToken(n)), []byte(m[0])) {
			out = append(out, n)
		}
	}
	return out
}

func newEnv(t *testing.T, d *db.DB, opts mail.Options) *env {
	t.Helper()
	e := &env{t: t, d: d, tickets: ticket.NewService(d),
		files: attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), settings.NewStore(d))}
	e.box = newMailbox(t, d, "support@example.com")
	e.dir = directory{e.box.Address: e.box, "sales@example.com": newMailbox(t, d, "sales@example.com")}
	if opts.ParseToken == nil {
		opts.ParseToken = parseTestToken
	}
	opts.Ack = func(_ context.Context, _ *sql.Tx, _ *mail.Mailbox, tk *ticket.Ticket, _ *ticket.Message, _ string) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.acks = append(e.acks, tk.ID)
		return nil
	}
	e.intake = mail.NewIntake(d, e.tickets, e.files, e.dir, opts, testutil.Logger(t))
	return e
}

// newMailbox stores a mailbox row for addr.
func newMailbox(t *testing.T, d *db.DB, addr string) *mail.Mailbox {
	t.Helper()
	id := insertMailbox(t, d, addr)
	return &mail.Mailbox{ID: id, Address: addr}
}

// deliver delivers raw to the support mailbox and fails the test on error.
func (e *env) deliver(raw string) *mail.Result {
	e.t.Helper()
	res, err := e.intake.Deliver(context.Background(), mail.Delivery{Mailbox: e.box, Raw: []byte(crlf(raw))})
	if err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	return res
}

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// messages returns a ticket's messages.
func (e *env) messages(id int64) []*ticket.Message {
	e.t.Helper()
	ms, err := e.tickets.Messages(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

func (e *env) ticket(id int64) *ticket.Ticket {
	e.t.Helper()
	tk, err := e.tickets.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

func (e *env) acked(id int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.acks {
		if a == id {
			return true
		}
	}
	return false
}

// sendReply stores an agent's reply on ticket id as the sending side
// would: a message with an outbound email record carrying rfcID.
func (e *env) sendReply(id int64, rfcID, to string) int64 {
	e.t.Helper()
	m, err := e.tickets.PostMessage(testutil.As(testutil.NewUser(e.t, e.d, "agent")), id,
		ticket.NewMessage{Kind: ticket.KindReply, Body: "Please try again now."})
	if err != nil {
		e.t.Fatal(err)
	}
	r := &mail.Record{MessageID: m.ID, MailboxID: &e.box.ID, Direction: "out", RFCMessageID: rfcID,
		From: e.box.Address, To: []string{to}, DeliveryState: mail.StateSent, CreatedAt: db.Now()}
	if err := mail.InsertRecord(context.Background(), e.d.Write(), r); err != nil {
		e.t.Fatal(err)
	}
	return m.ID
}

func (e *env) setStatus(id int64, status string) {
	e.t.Helper()
	_, err := e.tickets.Update(context.Background(), id, ticket.Patch{Status: &status})
	if err != nil {
		e.t.Fatal(err)
	}
}

func readCorpus(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
