package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mail/imappoll"
	"github.com/centerdesk/centerdesk/internal/mail/smtpin"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// mailboxRescan is how often the IMAP pollers re-read the mailboxes, to
// follow changes made where no change event reaches this process (the CLI,
// another node).
const mailboxRescan = time.Minute

// mailIn is the receiving side of the email channel: the SMTP listener and
// one IMAP poller per mailbox that has IMAP configured, all storing mail
// through one intake.
type mailIn struct {
	smtp *smtpin.Server

	fleet    *imappoll.Fleet
	stopIMAP context.CancelFunc
	watcher  sync.WaitGroup // the loop that keeps the fleet in step
}

// startMail opens the SMTP listener when one is configured and serves it
// in work, and starts the IMAP pollers.
func (s *Server) startMail(work *sync.WaitGroup) (*mailIn, error) {
	intake := mail.NewIntake(s.db, ticket.NewService(s.db), s.attachments,
		mail.DBDirectory{Mailboxes: s.mailboxes}, mail.Options{
			ParseToken: func(subject string) []int64 { return mailtoken.Parse(subject, s.tokenKey) },
			Ack:        s.outbound.QueueAck,
			Joiner:     joining.New(s.db, ticket.NewService(s.db)),
			JoinAck:    s.outbound.QueueJoinAck,
		}, s.log)
	m := &mailIn{}
	if s.cfg.SMTPAddr != "" {
		srv, err := s.listenSMTP(intake)
		if err != nil {
			return nil, err
		}
		m.smtp = srv
		work.Go(func() {
			if err := srv.Serve(); err != nil {
				s.log.Error("smtp: serve", "err", err)
			}
		})
	}
	s.startIMAP(m, intake)
	return m, nil
}

// listenSMTP opens the SMTP listener. It accepts mail for exactly the
// mailboxes that take mail by SMTP, and refuses other recipients (550).
func (s *Server) listenSMTP(intake *mail.Intake) (*smtpin.Server, error) {
	cfg := smtpin.Config{Addr: s.cfg.SMTPAddr}
	if s.cfg.SMTPTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.SMTPTLSCert, s.cfg.SMTPTLSKey)
		if err != nil {
			return nil, fmt.Errorf("smtp: load certificate: %w", err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	dir := mail.DBDirectory{Mailboxes: s.mailboxes, SMTPOnly: true}
	srv, err := smtpin.Listen(cfg, dir, intake, s.log)
	if err != nil {
		return nil, err
	}
	s.log.Info("smtp: listening for mail", "addr", srv.Addr().String(), "starttls", cfg.TLS != nil)
	return srv, nil
}

// startIMAP runs the pollers, re-reading the mailboxes when one changes
// through this server and every mailboxRescan.
func (s *Server) startIMAP(m *mailIn, intake *mail.Intake) {
	ctx, cancel := context.WithCancel(context.Background())
	m.stopIMAP = cancel
	m.fleet = imappoll.NewFleet(ctx, imappoll.New(intake, s.cfg.IMAPInterval, s.log))
	changed := make(chan struct{}, 1)
	s.mailboxes.OnChange(func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	m.watcher.Go(func() {
		tick := time.NewTicker(mailboxRescan)
		defer tick.Stop()
		for {
			if accounts, err := s.imapAccounts(ctx); err == nil {
				m.fleet.Sync(accounts)
			} else if ctx.Err() == nil {
				// Keep the pollers running as they are: a failed read is
				// no reason to stop fetching mail.
				s.log.Error("imap: read mailboxes", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-changed:
			}
		}
	})
}

// imapAccounts returns the IMAP settings of every mailbox that polls, with
// its password decrypted. A mailbox whose password cannot be opened is
// left out, loudly, rather than stopping the others.
func (s *Server) imapAccounts(ctx context.Context) ([]imappoll.Account, error) {
	boxes, err := s.mailboxes.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []imappoll.Account
	for _, b := range boxes {
		if !b.PollsIMAP() {
			continue
		}
		pw, err := s.mailboxes.IMAPPassword(b)
		if err != nil {
			s.log.Error("imap: mailbox not polled", "mailbox", b.Address, "err", err)
			continue
		}
		out = append(out, imappoll.Account{Mailbox: mail.FromMailbox(b),
			Addr:     net.JoinHostPort(b.IMAPHost, strconv.Itoa(b.IMAPPort)),
			Security: b.IMAPSecurity, Username: b.IMAPUser, Password: pw,
			Folder: b.IMAPFolder, MoveTo: b.IMAPMoveTo})
	}
	return out, nil
}

// stop stops taking mail, letting mail being stored finish until ctx ends.
func (m *mailIn) stop(ctx context.Context) error {
	var err error
	if m.smtp != nil {
		err = m.smtp.Shutdown(ctx)
	}
	if m.stopIMAP == nil {
		return err
	}
	m.stopIMAP()
	done := make(chan struct{})
	go func() {
		m.watcher.Wait()
		m.fleet.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, fmt.Errorf("imap: pollers still stopping: %w", ctx.Err()))
	}
	return err
}
