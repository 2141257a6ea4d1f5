package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	gomail "github.com/emersion/go-message/mail"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// relay is a real SMTP server standing in for the mailbox's relay: it
// keeps every mail it accepts.
type relay struct {
	mu    sync.Mutex
	mails [][]byte
	port  int
}

func newRelay(t *testing.T) *relay {
	t.Helper()
	r := &relay{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &relaySession{r: r}, nil
	}))
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

// await returns the first mail accepted that match accepts, failing the
// test if none arrives in time.
func (r *relay) await(t *testing.T, match func(h gomail.Header) bool) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, raw := range r.mails {
			if m, err := gomail.CreateReader(bytes.NewReader(raw)); err == nil && match(m.Header) {
				r.mu.Unlock()
				return raw
			}
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the relay received no such mail")
	return nil
}

type relaySession struct{ r *relay }

func (s *relaySession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *relaySession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *relaySession) Reset()                                 {}
func (s *relaySession) Logout() error                          { return nil }
func (s *relaySession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.mails = append(s.r.mails, raw)
	return nil
}

// mailDesk is a running server with its SMTP listener, over d.
type mailDesk struct {
	t     *testing.T
	d     *db.DB
	box   *secret.Box
	base  string // HTTP
	smtp  string // the SMTP listener's host:port
	token string // an agent's API token
	stop  func()
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startMailDesk runs a server with its SMTP listener on d; stop ends it
// (and is called at cleanup too).
func startMailDesk(t *testing.T, d *db.DB, box *secret.Box) *mailDesk {
	t.Helper()
	cfg := testConfig(t)
	cfg.SMTPAddr = freeAddr(t)
	cfg.IMAPInterval = 50 * time.Millisecond
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	var once sync.Once
	m := &mailDesk{t: t, d: d, box: box, base: "http://" + ln.Addr().String(), smtp: cfg.SMTPAddr}
	m.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
	t.Cleanup(m.stop)
	// The listener is up once it answers.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", cfg.SMTPAddr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the SMTP listener did not start: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return m
}

func (m *mailDesk) withToken(name, role string) {
	m.t.Helper()
	users := user.NewService(m.d, m.box, fastParams)
	u, err := users.Create(context.Background(), user.NewUser{Email: name + "@desk.test", Name: "Agent Smith",
		Role: role, Password: testPassword})
	if err != nil {
		m.t.Fatal(err)
	}
	if _, m.token, err = users.CreateToken(context.Background(), u.ID, "test"); err != nil {
		m.t.Fatal(err)
	}
}

// call calls the API and decodes its JSON answer into out (when not nil).
func (m *mailDesk) call(method, path, body string, out any) int {
	m.t.Helper()
	req, err := http.NewRequest(method, m.base+path, strings.NewReader(body))
	if err != nil {
		m.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			m.t.Fatalf("%s %s: %d: %v", method, path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

type apiTicket struct {
	ID     int64  `json:"id"`
	Number int64  `json:"number"`
	TeamID *int64 `json:"team_id"`
}

type apiMessage struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
}

func (m *mailDesk) tickets() []apiTicket {
	m.t.Helper()
	var out struct{ Items []apiTicket }
	if code := m.call("GET", "/api/v1/tickets", "", &out); code != http.StatusOK {
		m.t.Fatalf("list tickets: %d", code)
	}
	return out.Items
}

func (m *mailDesk) messages(ticketID int64) []apiMessage {
	m.t.Helper()
	var out struct{ Items []apiMessage }
	if code := m.call("GET", fmt.Sprintf("/api/v1/tickets/%d/messages", ticketID), "", &out); code != http.StatusOK {
		m.t.Fatalf("list messages: %d", code)
	}
	return out.Items
}

// awaitMessages waits until ticket id has n messages.
func (m *mailDesk) awaitMessages(id int64, n int) []apiMessage {
	m.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		msgs := m.messages(id)
		if len(msgs) >= n || time.Now().After(deadline) {
			if len(msgs) != n {
				m.t.Fatalf("ticket %d has %d messages, want %d", id, len(msgs), n)
			}
			return msgs
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send sends raw from a stock client, as a customer's mail server would.
func (m *mailDesk) send(from, to, raw string) error {
	return smtp.SendMail(m.smtp, nil, from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func TestEmailConversationEndToEnd(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box := newBox(t)
		relay := newRelay(t)
		tm, err := team.NewService(d).Create(ctx, team.NewTeam{Name: "Support"})
		if err != nil {
			t.Fatal(err)
		}
		off := false
		mb, err := mailbox.NewService(d, box).Create(ctx, mailbox.NewMailbox{Address: "help@desk.test",
			Name: "Desk Help", TeamID: &tm.ID, SMTPHost: "127.0.0.1", SMTPPort: relay.port, SMTPSecurity: "none"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mailbox.NewService(d, box).Create(ctx, mailbox.NewMailbox{Address: "imap-only@desk.test",
			InboundSMTP: &off}); err != nil {
			t.Fatal(err)
		}
		desk := startMailDesk(t, d, box)
		desk.withToken("agent", "agent")

		// Mail for an address that is not a mailbox, or one that takes no
		// SMTP mail, is refused.
		for _, to := range []string{"nobody@desk.test", "imap-only@desk.test"} {
			err := desk.send("ann@customer.test", to, "Subject: hi\n\nhello\n")
			var perr *textproto.Error
			if !errors.As(err, &perr) || perr.Code != 550 {
				t.Fatalf("mail to %s: %v, want 550", to, err)
			}
		}

		err = desk.send("ann@customer.test", "help@desk.test", `From: Ann <ann@customer.test>
To: help@desk.test
Subject: Printer on fire
Message-ID: <first@customer.test>
Date: Mon, 23 Nov 2026 09:00:00 +0000

It smokes.
`)
		if err != nil {
			t.Fatalf("send the first mail: %v", err)
		}
		tks := desk.tickets()
		if len(tks) != 1 || tks[0].TeamID == nil || *tks[0].TeamID != tm.ID {
			t.Fatalf("tickets after the first mail: %+v", tks)
		}
		tk := tks[0]
		var mailboxID int64
		if err := d.Read().QueryRow(`SELECT mailbox_id FROM tickets WHERE id = $1`, tk.ID).Scan(&mailboxID); err != nil || mailboxID != mb.ID {
			t.Fatalf("ticket's mailbox %d (%v), want %d", mailboxID, err, mb.ID)
		}
		desk.awaitMessages(tk.ID, 1)
		relay.await(t, func(h gomail.Header) bool { return h.Get("Auto-Submitted") == "auto-replied" })

		code := desk.call("POST", fmt.Sprintf("/api/v1/tickets/%d/messages", tk.ID),
			`{"kind": "reply", "body": "Unplug it.", "body_html": "<p>Unplug <b>it</b>.</p>"}`, nil)
		if code != http.StatusCreated {
			t.Fatalf("reply: %d", code)
		}
		raw := relay.await(t, func(h gomail.Header) bool {
			return h.Get("In-Reply-To") == "<first@customer.test>" && h.Get("Auto-Submitted") == ""
		})
		replyID, subject := checkReply(t, raw, tk.Number)

		// The customer answers the reply: threaded by In-Reply-To alone.
		err = desk.send("ann@customer.test", "help@desk.test", fmt.Sprintf(`From: Ann <ann@customer.test>
To: help@desk.test
Subject: Re: Printer on fire
Message-ID: <second@customer.test>
In-Reply-To: <%s>
References: <first@customer.test> <%s>

Done, thanks.
`, replyID, replyID))
		if err != nil {
			t.Fatalf("send the answer: %v", err)
		}
		desk.awaitMessages(tk.ID, 3)

		// A client that strips the headers: the token in the subject finds
		// the ticket.
		err = desk.send("ann@customer.test", "help@desk.test", fmt.Sprintf(`From: Ann <ann@customer.test>
To: help@desk.test
Subject: Re: %s
Message-ID: <third@customer.test>

One more thing.
`, subject))
		if err != nil {
			t.Fatalf("send the stripped answer: %v", err)
		}
		msgs := desk.awaitMessages(tk.ID, 4)
		if !strings.Contains(msgs[3].Body, "One more thing.") {
			t.Fatalf("last message %q", msgs[3].Body)
		}
		if n := len(desk.tickets()); n != 1 {
			t.Fatalf("%d tickets, want the one conversation", n)
		}
	})
}

// checkReply checks the threading headers and parts of the agent's reply
// as the relay received it, and returns its Message-ID and subject.
func checkReply(t *testing.T, raw []byte, number int64) (msgID, subject string) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	msgID, err = r.Header.MessageID()
	if err != nil || msgID == "" {
		t.Fatalf("reply without a Message-ID (%v):\n%s", err, raw)
	}
	if refs, _ := r.Header.MsgIDList("References"); len(refs) == 0 || refs[0] != "first@customer.test" {
		t.Fatalf("References %v", refs)
	}
	subject, err = r.Header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(fmt.Sprintf(`\[#%d-[0-9a-f]+\]`, number)).MatchString(subject) {
		t.Fatalf("subject %q lacks the ticket's token", subject)
	}
	parts := map[string]string{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.InlineHeader); ok {
			ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
			b, _ := io.ReadAll(p.Body)
			parts[ct] = string(b)
		}
	}
	if !strings.Contains(parts["text/plain"], "Unplug it.") || !strings.Contains(parts["text/html"], "<b>it</b>") {
		t.Fatalf("reply parts %v", parts)
	}
	return msgID, subject
}

// memIMAP starts go-imap's in-memory IMAP server with one account, and
// returns its address.
func memIMAP(t *testing.T) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("support", "imap-secret")
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

// imapAccount is a client of the test account, as the mail provider's
// delivery and the customer's view of the inbox.
func imapAccount(t *testing.T, addr string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login("support", "imap-secret").Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func appendTo(t *testing.T, c *imapclient.Client, raw string) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
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

// awaitSeen waits until every message of the INBOX is \Seen.
func awaitSeen(t *testing.T, c *imapclient.Client) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if len(data.AllUIDs()) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the poller did not take the mail")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A mailbox added while the server runs is polled at once (the change
// event, not the minute's re-read); mail fetched again after a restart
// (the flag lost between the commit and the \Seen) is stored once.
func TestIMAPMailboxEndToEnd(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		box := newBox(t)
		addr := memIMAP(t)
		host, port, _ := net.SplitHostPort(addr)
		desk := startMailDesk(t, d, box)
		desk.withToken("admin", "admin")
		inbox := imapAccount(t, addr)
		appendTo(t, inbox, `From: Bob <bob@customer.test>
To: help@desk.test
Subject: Fetched by IMAP
Message-ID: <imap-1@customer.test>

Hello from IMAP.
`)
		var created struct{ ID int64 }
		code := desk.call("POST", "/api/v1/mailboxes", fmt.Sprintf(`{"address": "help@desk.test",
			"imap_host": %q, "imap_port": %s, "imap_security": "none", "imap_user": "support",
			"imap_password": "imap-secret"}`, host, port), &created)
		if code != http.StatusCreated {
			t.Fatalf("add mailbox: %d", code)
		}
		awaitSeen(t, inbox)
		tks := desk.tickets()
		if len(tks) != 1 {
			t.Fatalf("%d tickets after the fetch", len(tks))
		}
		desk.stop()

		// The flag is lost: the next server fetches the mail again.
		store := &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
		if err := inbox.Store(imap.SeqSetNum(1), store, nil).Close(); err != nil {
			t.Fatal(err)
		}
		desk = startMailDesk(t, d, box)
		desk.withToken("agent", "agent")
		awaitSeen(t, inbox)
		if n := len(desk.tickets()); n != 1 {
			t.Fatalf("%d tickets after the fetch again, want 1", n)
		}
		if n := count(t, d, "email_messages"); n != 1 {
			t.Fatalf("%d email records, want 1", n)
		}
		desk.awaitMessages(tks[0].ID, 1)
	})
}
