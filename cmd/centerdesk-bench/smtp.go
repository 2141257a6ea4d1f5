package main

// The SMTP mode: clients that speak SMTP to the server's listener, as the
// mail servers of customers do, into new tickets (smtp-new) and into
// existing conversations (smtp-reply, answering a known Message-ID). What
// is measured is how long a customer's mail takes to become visible to
// agents: from the end of DATA (the listener's 250, sent once the mail is
// stored) to the message showing through the API.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
)

// The SMTP operations.
const (
	opSMTPNew   = "smtp-new"
	opSMTPReply = "smtp-reply"
)

func isSMTPOp(name string) bool { return name == opSMTPNew || name == opSMTPReply }

// benchMailboxAddr is the mailbox the in-process server takes the bench's
// mail at.
const benchMailboxAddr = "support@bench.centerdesk.test"

// visibleTimeout bounds the wait for a stored mail to show through the API.
const visibleTimeout = 10 * time.Second

// replyThreads is how many conversations smtp-reply spreads its mail over:
// enough that no customer sends more than the intake's per-sender limit
// (30 a minute) at a few hundred mails a second.
const replyThreads = 1200

// smtpOptions are the SMTP mode's flags.
type smtpOptions struct {
	addr, to string
}

// smtpFlags adds the SMTP mode's flags to fs.
func smtpFlags(fs *flag.FlagSet, o *smtpOptions) {
	fs.StringVar(&o.addr, "smtp-addr", "", "the SMTP listener of the --url server, for the smtp-new and smtp-reply ops")
	fs.StringVar(&o.to, "smtp-to", "", "a mailbox address of the --url server that takes SMTP mail")
}

// checkSMTPOptions refuses SMTP ops against a running server that was not
// told where its listener is.
func checkSMTPOptions(o options) error {
	for _, op := range o.ops {
		if isSMTPOp(op) && o.url != "" && (o.smtp.addr == "" || o.smtp.to == "") {
			return fmt.Errorf("--ops %s with --url needs --smtp-addr and --smtp-to", op)
		}
	}
	return nil
}

// enableSMTP makes the in-process server listen for mail on a free
// loopback port, with a mailbox to deliver to (no relay, so no
// acknowledgements are sent: the bench measures intake alone).
func enableSMTP(ctx context.Context, d *db.DB, box *secret.Box, cfg *config.Config) (smtpOptions, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return smtpOptions{}, err
	}
	cfg.SMTPAddr = ln.Addr().String()
	ln.Close()
	boxes := mailbox.NewService(d, box)
	if _, err := boxes.ByAddress(ctx, benchMailboxAddr); err != nil {
		if _, err := boxes.Create(ctx, mailbox.NewMailbox{Address: benchMailboxAddr, Name: "Bench support"}); err != nil {
			return smtpOptions{}, err
		}
	}
	return smtpOptions{addr: cfg.SMTPAddr, to: benchMailboxAddr}, nil
}

// thread is a conversation the bench opened by mail.
type thread struct {
	ticketID int64
	rfcID    string
	from     string
	subject  string
}

// mailer is the SMTP side of the bench: the conversations it opened, and
// a counter that makes every mail unique.
type mailer struct {
	o      smtpOptions
	run    string // distinguishes this run's mail from an earlier run's
	seq    atomic.Int64
	next   atomic.Int64 // round-robin over threads
	mu     sync.Mutex
	thread []thread
}

func newMailer(o smtpOptions) *mailer {
	return &mailer{o: o, run: strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
}

// conn is one client's SMTP connection, kept across mails as a mail
// server keeps its connection to a busy destination.
type conn struct {
	m *mailer
	c *smtp.Client
}

func (k *conn) close() {
	if k.c != nil {
		k.c.Quit()
		k.c = nil
	}
}

// send delivers one mail and returns when the listener answered 250.
func (k *conn) send(from string, raw []byte) error {
	if k.c == nil {
		c, err := smtp.Dial(k.m.o.addr)
		if err != nil {
			return err
		}
		if err := c.Hello("bench.centerdesk.test"); err != nil {
			c.Close()
			return err
		}
		k.c = c
	}
	err := k.deliver(from, raw)
	if err != nil {
		k.c.Close() // the next mail starts on a fresh connection
		k.c = nil
	}
	return err
}

func (k *conn) deliver(from string, raw []byte) error {
	if err := k.c.Mail(from); err != nil {
		return err
	}
	if err := k.c.Rcpt(k.m.o.to); err != nil {
		return err
	}
	w, err := k.c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// newMail is a customer's first mail, from a new customer; word makes it
// unique.
func (m *mailer) newMail() (th thread, word string, raw []byte) {
	n := m.seq.Add(1)
	word = "bm" + m.run + "x" + strconv.FormatInt(n, 36)
	th = thread{rfcID: word + "@customers.bench.test", from: word + "@customers.bench.test",
		subject: "My invoice " + word + " shows the wrong amount"}
	raw = compose(th.from, m.o.to, th.subject, th.rfcID, "", word+
		"\nHello, I was charged twice for my subscription this month. Could you refund one of them?")
	return th, word, raw
}

// replyMail answers a conversation's first mail.
func (m *mailer) replyMail(th thread) (word string, raw []byte) {
	word = "br" + m.run + "x" + strconv.FormatInt(m.seq.Add(1), 36)
	raw = compose(th.from, m.o.to, "Re: "+th.subject, word+"@customers.bench.test", th.rfcID,
		"Thanks. One more question, "+word+": when will I see the refund?\n\n> Hello, I was charged twice.")
	return word, raw
}

func compose(from, to, subject, msgID, inReplyTo, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Bench Customer <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n", from, to, subject, msgID)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	fmt.Fprintf(&b, "Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		time.Now().UTC().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}

func (m *mailer) remember(th thread) {
	m.mu.Lock()
	m.thread = append(m.thread, th)
	m.mu.Unlock()
}

func (m *mailer) threads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.thread)
}

// someThread picks the conversations in turn, spreading each customer's
// mail out.
func (m *mailer) someThread() (thread, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.thread) == 0 {
		return thread{}, false
	}
	return m.thread[int(m.next.Add(1))%len(m.thread)], true
}

// openTicket sends a new mail and waits for its ticket, returning how long
// the ticket took to show after the 250.
func (m *mailer) openTicket(ctx context.Context, k *conn, c *client) (time.Duration, error) {
	th, _, raw := m.newMail()
	if err := k.send(th.from, raw); err != nil {
		return 0, err
	}
	stored := time.Now()
	// Every new mail comes from a customer of its own: the ticket is the
	// one listed for that customer.
	var customerID int64
	err := until(ctx, func() (bool, error) {
		if customerID == 0 {
			var res struct{ Items []struct{ ID int64 } }
			if err := c.call(ctx, "GET", "/api/v1/customers?email="+url.QueryEscape(th.from), nil, &res); err != nil {
				return false, err
			}
			if len(res.Items) == 0 {
				return false, nil
			}
			customerID = res.Items[0].ID
		}
		var res struct{ Items []struct{ ID int64 } }
		if err := c.call(ctx, "GET", "/api/v1/tickets?requester="+strconv.FormatInt(customerID, 10), nil, &res); err != nil {
			return false, err
		}
		if len(res.Items) == 0 {
			return false, nil
		}
		th.ticketID = res.Items[0].ID
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	visible := time.Since(stored)
	m.remember(th)
	return visible, nil
}

// answer sends a reply into a known conversation and waits for it to show
// among the ticket's messages.
func (m *mailer) answer(ctx context.Context, k *conn, c *client) (time.Duration, error) {
	th, ok := m.someThread()
	if !ok {
		return 0, errNothingYet
	}
	word, raw := m.replyMail(th)
	if err := k.send(th.from, raw); err != nil {
		return 0, err
	}
	stored := time.Now()
	path := "/api/v1/tickets/" + strconv.FormatInt(th.ticketID, 10) + "/messages"
	err := until(ctx, func() (bool, error) {
		var res struct {
			Items []struct{ Body string } `json:"items"`
		}
		if err := c.call(ctx, "GET", path, nil, &res); err != nil {
			return false, err
		}
		for i := len(res.Items) - 1; i >= 0; i-- {
			if strings.Contains(res.Items[i].Body, word) {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return 0, err
	}
	return time.Since(stored), nil
}

// until polls check, briefly pausing between tries, until it reports done.
func until(ctx context.Context, check func() (bool, error)) error {
	deadline := time.Now().Add(visibleTimeout)
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not visible through the API %s after the 250", visibleTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// seedThreads opens conversations (unmeasured) until smtp-reply has
// enough to spread its mail over.
func (m *mailer) seedThreads(ctx context.Context, c *client, concurrency int) error {
	var wg sync.WaitGroup
	var first atomic.Value
	for range concurrency {
		wg.Go(func() {
			k := &conn{m: m}
			defer k.close()
			for ctx.Err() == nil && m.threads() < replyThreads {
				if _, err := m.openTicket(ctx, k, c); err != nil {
					first.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, ok := first.Load().(error); ok {
		return fmt.Errorf("opening conversations for smtp-reply: %w", err)
	}
	return ctx.Err()
}

// measureSMTP runs an SMTP op on o.concurrency clients for o.duration; a
// sample is the time from the 250 to the mail being visible.
func measureSMTP(ctx context.Context, name string, o options, c *client, m *mailer) result {
	if name == opSMTPReply && m.threads() < replyThreads {
		if err := m.seedThreads(ctx, c, o.concurrency); err != nil {
			return result{Op: name, Concurrency: o.concurrency, Errors: 1, FirstError: err.Error(),
				ErrorKinds: map[string]int{"seeding": 1}}
		}
	}
	op := m.openTicket
	if name == opSMTPReply {
		op = m.answer
	}
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var (
		mu       sync.Mutex
		all      []time.Duration
		kinds    = map[string]int{}
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range o.concurrency {
		wg.Go(func() {
			k := &conn{m: m}
			defer k.close()
			var mine []time.Duration
			for ctx.Err() == nil {
				d, err := op(ctx, k, c)
				if ctx.Err() != nil {
					break
				}
				mu.Lock()
				if err != nil {
					kinds[smtpErrorKind(err)]++
					if firstErr == "" {
						firstErr = err.Error()
					}
				}
				mu.Unlock()
				if err == nil {
					mine = append(mine, d)
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return summarise(name, o.concurrency, all, kinds, firstErr, time.Since(start))
}

// smtpErrorKind names an SMTP failure by its reply code ("SMTP 451"), and
// others as errorKind does.
func smtpErrorKind(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return "SMTP " + strconv.Itoa(te.Code)
	}
	return errorKind(err)
}
