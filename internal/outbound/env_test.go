package outbound_test

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// captured is one mail the capturing server accepted.
type captured struct {
	From string
	To   []string
	Raw  []byte
	User string // who authenticated, "" for nobody
}

// capture is a real SMTP server that records what it accepts, and answers
// DATA with the scripted errors first.
type capture struct {
	mu     sync.Mutex
	mails  []captured
	script []*smtp.SMTPError // answers to the next DATA commands; nil accepts
	addr   *net.TCPAddr
}

func newCapture(t *testing.T) *capture {
	t.Helper()
	c := &capture{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{c: c}, nil }))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().(*net.TCPAddr)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return c
}

// fail makes the next DATA commands answer with errs, in order.
func (c *capture) fail(errs ...*smtp.SMTPError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.script = append(c.script, errs...)
}

func (c *capture) received() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.mails...)
}

type session struct {
	c    *capture
	from string
	to   []string
	user string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != "desk" || pass != "relay-secret" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = append(s.to, to); return nil }
func (s *session) Reset()                                      { s.from, s.to = "", nil }
func (s *session) Logout() error                               { return nil }

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if len(s.c.script) > 0 {
		e := s.c.script[0]
		s.c.script = s.c.script[1:]
		if e != nil {
			return e
		}
	}
	s.c.mails = append(s.c.mails, captured{From: s.from, To: s.to, Raw: raw, User: s.user})
	return nil
}

var tokenKey = []byte("0123456789abcdef0123456789abcdef")

// env is a desk with one mailbox whose relay is the capturing server.
type env struct {
	d           *db.DB
	relay       *capture
	clock       *testutil.Clock
	queue       *jobs.Queue
	mailboxes   *mailbox.Service
	tickets     *ticket.Service
	attachments *attachment.Service
	out         *outbound.Service
	box         *mailbox.Mailbox
	agent       context.Context
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{d: d, relay: newCapture(t), clock: testutil.NewClock(db.Now())}
	sbox, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.mailboxes = mailbox.NewService(d, sbox)
	e.box, err = e.mailboxes.Create(ctx, mailbox.NewMailbox{Address: "help@desk.test", Name: "Desk Help",
		SMTPHost: "127.0.0.1", SMTPPort: e.relay.addr.Port, SMTPSecurity: "none",
		SMTPUser: "desk", SMTPPassword: "relay-secret"})
	if err != nil {
		t.Fatal(err)
	}
	e.queue = e.newQueue(t, "worker-1")
	e.tickets = ticket.NewService(d)
	e.attachments = attachment.NewService(d, filepath.Join(t.TempDir(), "files"), settings.NewStore(d))
	e.out = outbound.New(d, e.queue, e.mailboxes, e.tickets, e.attachments, tokenKey, testutil.Logger(t),
		outbound.Options{Now: e.clock.Now})
	e.tickets.OnMessage(e.out.OnMessage)
	e.agent = testutil.As(testutil.NewUser(t, d, "agent"))
	return e
}

func (e *env) newQueue(t *testing.T, worker string) *jobs.Queue {
	return jobs.New(e.d, testutil.Logger(t), jobs.Options{Now: e.clock.Now, WorkerID: worker})
}

// runJobs runs every due job, as a worker would.
func (e *env) runJobs(t *testing.T) int {
	t.Helper()
	n, err := e.queue.RunDue(context.Background())
	if err != nil {
		t.Fatalf("run jobs: %v", err)
	}
	return n
}

func (e *env) delivery(t *testing.T, ticketID, messageID int64) *ticket.Delivery {
	t.Helper()
	msgs, err := e.tickets.Messages(context.Background(), ticketID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.ID == messageID {
			return m.Delivery
		}
	}
	t.Fatalf("message %d not on ticket %d", messageID, ticketID)
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
