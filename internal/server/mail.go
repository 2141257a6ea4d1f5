package server

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"

	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mail/smtpin"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// mailIn is the receiving side of the email channel: the SMTP listener.
// TODO(lead): start the IMAP poller (internal/mail/imappoll, one Run per
// mailbox with IMAP configured) once internal/mailbox exposes the IMAP
// settings and decrypted password; pass mailtoken's Parse as
// mail.Options.ParseToken and the acknowledgement queue as mail.Options.Ack.
type mailIn struct {
	smtp *smtpin.Server
}

// startMail opens the SMTP listener when one is configured and serves it
// in work.
func (s *Server) startMail(work *sync.WaitGroup) (*mailIn, error) {
	if s.cfg.SMTPAddr == "" {
		return &mailIn{}, nil
	}
	dir := mail.DBDirectory{DB: s.db}
	intake := mail.NewIntake(s.db, ticket.NewService(s.db), s.attachments, dir, mail.Options{
		ParseToken: func(subject string) []int64 { return mailtoken.Parse(subject, s.tokenKey) },
		Ack:        s.outbound.QueueAck,
	}, s.log)
	cfg := smtpin.Config{Addr: s.cfg.SMTPAddr}
	if s.cfg.SMTPTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.SMTPTLSCert, s.cfg.SMTPTLSKey)
		if err != nil {
			return nil, fmt.Errorf("smtp: load certificate: %w", err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	srv, err := smtpin.Listen(cfg, dir, intake, s.log)
	if err != nil {
		return nil, err
	}
	s.log.Info("smtp: listening for mail", "addr", srv.Addr().String(), "starttls", cfg.TLS != nil)
	work.Go(func() {
		if err := srv.Serve(); err != nil {
			s.log.Error("smtp: serve", "err", err)
		}
	})
	return &mailIn{smtp: srv}, nil
}

// stop stops taking mail, letting mail being stored finish until ctx ends.
func (m *mailIn) stop(ctx context.Context) error {
	if m.smtp == nil {
		return nil
	}
	return m.smtp.Shutdown(ctx)
}
