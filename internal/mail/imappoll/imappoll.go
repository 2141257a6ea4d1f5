// Package imappoll fetches customers' mail from IMAP accounts: for each
// mailbox with IMAP configured it watches a folder (IDLE where the server
// supports it, polling otherwise), stores each new message through the mail
// intake and only after that committed marks it \Seen (or moves it). A
// message fetched twice (a restart between the commit and the flag) is
// recognised by its Message-ID and stored once.
package imappoll

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/centerdesk/centerdesk/internal/mail"
)

// Security is how the connection to the IMAP server is protected.
const (
	SecurityTLS      = "tls"      // implicit TLS (port 993)
	SecurityStartTLS = "starttls" // STARTTLS upgrade (port 143)
	SecurityNone     = "none"     // plain text: tests and local servers only
)

// logoutGrace is how long a session may take to end once its context did.
const logoutGrace = 5 * time.Second

// Account is one mailbox's IMAP configuration.
type Account struct {
	Mailbox  *mail.Mailbox
	Addr     string // host:port
	Security string
	Username string
	Password string
	Folder   string // "" means INBOX
	// MoveTo, when set, is the folder stored messages are moved to
	// instead of being marked \Seen.
	MoveTo    string
	TLSConfig *tls.Config // nil: the system's roots, the host's name
}

// Deliverer stores one mail (mail.Intake).
type Deliverer interface {
	Deliver(ctx context.Context, d mail.Delivery) (*mail.Result, error)
	MaxBytes(ctx context.Context) (int64, error)
}

// Poller fetches mail from IMAP accounts into the intake.
type Poller struct {
	intake Deliverer
	log    *slog.Logger
	// Interval is how often a server without IDLE is polled, and how long
	// an IDLE lasts before it is renewed.
	Interval time.Duration
	// Batch bounds the messages taken in one pass.
	Batch int
}

// New returns a Poller that polls every interval.
func New(intake Deliverer, interval time.Duration, log *slog.Logger) *Poller {
	return &Poller{intake: intake, log: log, Interval: interval, Batch: 100}
}

// Stats counts what one pass did.
type Stats struct {
	Stored     int // new messages committed
	Duplicates int // messages stored before (flagged now)
	Skipped    int // left unseen for a later pass (throttled, too large, failed)
}

// PollOnce connects, takes every unseen message of the folder and
// disconnects.
func (p *Poller) PollOnce(ctx context.Context, a Account) (Stats, error) {
	c, err := dial(a, nil)
	if err != nil {
		return Stats{}, err
	}
	defer c.Close()
	if err := open(c, a); err != nil {
		return Stats{}, err
	}
	st, err := p.pass(ctx, c, a)
	if err == nil {
		err = c.Logout().Wait()
	}
	return st, err
}

// Run watches an account until ctx ends, reconnecting after failures with
// a growing pause.
func (p *Poller) Run(ctx context.Context, a Account) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := p.session(ctx, a)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.log.Warn("imap: session ended", "mailbox", a.Mailbox.Address, "server", a.Addr, "err", err,
				"retry_in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Minute)
			continue
		}
		backoff = time.Second
	}
}

// session is one connection: passes over the folder, waiting between them
// in IDLE (woken by new mail) or for the interval.
func (p *Poller) session(ctx context.Context, a Account) error {
	wake := make(chan struct{}, 1)
	c, err := dial(a, &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		},
	})
	if err != nil {
		return err
	}
	defer c.Close()
	// Once ctx ends the session gets a moment to log out; a server that
	// does not answer then is cut off, so that shutdown does not wait on
	// it (a message being stored stays unseen and is taken again later).
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(logoutGrace, func() { c.Close() }) })
	defer stop()
	if err := open(c, a); err != nil {
		return err
	}
	idle := c.Caps().Has(imap.CapIdle)
	for {
		if _, err := p.pass(ctx, c, a); err != nil {
			return err
		}
		if err := p.wait(ctx, c, idle, wake); err != nil {
			return err
		}
		if ctx.Err() != nil {
			_ = c.Logout().Wait()
			return nil
		}
	}
}

// wait returns when new mail may have arrived: woken from IDLE, or after
// the interval.
func (p *Poller) wait(ctx context.Context, c *imapclient.Client, idle bool, wake chan struct{}) error {
	timer := time.NewTimer(p.Interval)
	defer timer.Stop()
	if !idle {
		select {
		case <-ctx.Done():
		case <-timer.C:
		case <-c.Closed():
			return errors.New("imap: connection closed")
		}
		return nil
	}
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("imap: idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-wake:
	case <-c.Closed():
		return errors.New("imap: connection closed")
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("imap: end idle: %w", err)
	}
	return cmd.Wait()
}

func dial(a Account, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: a.TLSConfig, UnilateralDataHandler: h}
	var (
		c   *imapclient.Client
		err error
	)
	switch a.Security {
	case SecurityTLS, "":
		c, err = imapclient.DialTLS(a.Addr, opts)
	case SecurityStartTLS:
		c, err = imapclient.DialStartTLS(a.Addr, opts)
	case SecurityNone:
		c, err = imapclient.DialInsecure(a.Addr, opts)
	default:
		return nil, fmt.Errorf("imap: unknown security %q", a.Security)
	}
	if err != nil {
		return nil, fmt.Errorf("imap: connect to %s: %w", a.Addr, err)
	}
	return c, nil
}

func open(c *imapclient.Client, a Account) error {
	if err := c.Login(a.Username, a.Password).Wait(); err != nil {
		return fmt.Errorf("imap: log in as %s: %w", a.Username, err)
	}
	folder := a.Folder
	if folder == "" {
		folder = "INBOX"
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		return fmt.Errorf("imap: select %s: %w", folder, err)
	}
	return nil
}

// pass stores the unseen messages of the selected folder, one at a time,
// each acknowledged only after it committed.
func (p *Poller) pass(ctx context.Context, c *imapclient.Client, a Account) (Stats, error) {
	var st Stats
	data, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		return st, fmt.Errorf("imap: search: %w", err)
	}
	uids := data.AllUIDs()
	if len(uids) > p.Batch {
		uids = uids[:p.Batch]
	}
	limit, err := p.intake.MaxBytes(ctx)
	if err != nil {
		return st, err
	}
	for _, uid := range uids {
		if ctx.Err() != nil {
			return st, nil
		}
		outcome, err := p.take(ctx, c, a, uid, limit)
		if err != nil {
			return st, err
		}
		switch outcome {
		case "":
			st.Skipped++
		case mail.OutcomeDuplicate:
			st.Duplicates++
		default:
			st.Stored++
		}
	}
	return st, nil
}

// take fetches one message (without setting \Seen), stores it and then
// acknowledges it. It returns "" for a message left for later.
func (p *Poller) take(ctx context.Context, c *imapclient.Client, a Account, uid imap.UID, limit int64) (string, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	set := imap.UIDSetNum(uid)
	size, err := c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return "", fmt.Errorf("imap: fetch size of %d: %w", uid, err)
	}
	if len(size) == 0 {
		return "", nil // expunged meanwhile
	}
	if size[0].RFC822Size > limit {
		p.log.Warn("imap: message larger than the limit left on the server", "mailbox", a.Mailbox.Address,
			"uid", uid, "size", size[0].RFC822Size, "limit", limit)
		return "", nil
	}
	msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return "", fmt.Errorf("imap: fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return "", nil
	}
	raw := msgs[0].FindBodySection(section)
	res, err := p.intake.Deliver(ctx, mail.Delivery{Mailbox: a.Mailbox, Raw: raw})
	if errors.Is(err, mail.ErrThrottled) {
		return "", nil
	}
	if err != nil {
		// Left unseen: the next pass tries again.
		p.log.Error("imap: store message", "mailbox", a.Mailbox.Address, "uid", uid, "err", err)
		return "", nil
	}
	if err := ack(c, a, set); err != nil {
		return "", err
	}
	return res.Outcome, nil
}

// ack marks a stored message \Seen, or moves it away.
func ack(c *imapclient.Client, a Account, set imap.UIDSet) error {
	if a.MoveTo != "" {
		if _, err := c.Move(set, a.MoveTo).Wait(); err != nil {
			return fmt.Errorf("imap: move to %s: %w", a.MoveTo, err)
		}
		return nil
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := c.Store(set, store, nil).Close(); err != nil {
		return fmt.Errorf("imap: flag seen: %w", err)
	}
	return nil
}
