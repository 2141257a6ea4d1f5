// Package smtpin is Centerdesk's SMTP listener: mail servers deliver
// customers' mail to it for the configured mailbox addresses. It answers
// 250 to DATA only after the mail is committed to the database, so a crash
// before that leaves the sending server to retry, and a crash after it
// loses nothing.
package smtpin

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/mail"
)

// Deliverer stores one mail (mail.Intake).
type Deliverer interface {
	Deliver(ctx context.Context, d mail.Delivery) (*mail.Result, error)
	MaxBytes(ctx context.Context) (int64, error)
}

// Config configures the listener.
type Config struct {
	Addr     string      // host:port to listen on
	Domain   string      // the name the server greets with
	TLS      *tls.Config // nil: no STARTTLS
	MaxRcpts int         // recipients per mail; 0 means 50
	// Timeout bounds each read and write on a connection; 0 means 5
	// minutes (RFC 5321 suggests 5 to 10).
	Timeout time.Duration
}

// Server is a running SMTP listener.
type Server struct {
	srv *smtp.Server
	ln  net.Listener
	log *slog.Logger
}

// Listen opens the listener; Serve then accepts mail until Shutdown.
func Listen(cfg Config, dir mail.Directory, intake Deliverer, log *slog.Logger) (*Server, error) {
	b := &backend{dir: dir, intake: intake, log: log}
	s := smtp.NewServer(b)
	s.Addr = cfg.Addr
	s.Domain = cfg.Domain
	if s.Domain == "" {
		s.Domain = "localhost"
	}
	s.TLSConfig = cfg.TLS
	s.MaxRecipients = cfg.MaxRcpts
	if s.MaxRecipients == 0 {
		s.MaxRecipients = 50
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	s.ReadTimeout, s.WriteTimeout = timeout, timeout
	// The size limit is a setting that can change while we run: SIZE is
	// announced with the value at start, and DATA checks the current one.
	if max, err := intake.MaxBytes(context.Background()); err == nil {
		s.MaxMessageBytes = max
	}
	s.ErrorLog = slogLogger{log}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp: listen on %s: %w", cfg.Addr, err)
	}
	return &Server{srv: s, ln: ln, log: log}, nil
}

// Addr is the address the listener is bound to.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve accepts connections until Shutdown; it returns nil after a
// shutdown.
func (s *Server) Serve() error {
	err := s.srv.Serve(s.ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for the open ones to
// finish (a mail being stored commits or rolls back) until ctx ends, then
// closes them.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	if ctx.Err() != nil {
		return s.srv.Close()
	}
	return err
}

type backend struct {
	dir    mail.Directory
	intake Deliverer
	log    *slog.Logger
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{b: b, remote: c.Conn().RemoteAddr().String()}, nil
}

// session is one SMTP transaction at a time on a connection.
type session struct {
	b      *backend
	remote string
	from   string
	box    *mail.Mailbox
}

func (s *session) Reset()        { s.from, s.box = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts only our mailboxes' addresses. A mail to several of them is
// stored once, in the first one's mailbox: one mail is one conversation.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	box, err := s.b.dir.Lookup(context.Background(), strings.ToLower(strings.TrimSpace(to)))
	if apperr.Is(err, apperr.KindNotFound) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "No such mailbox here"}
	}
	if err != nil {
		s.b.log.Error("smtp: look up recipient", "to", to, "err", err)
		return tempFailure("Cannot check the recipient now, try again later")
	}
	if s.box == nil {
		s.box = box
	}
	return nil
}

// Data reads the mail and returns only once it is stored: any failure is
// a temporary one (4xx), so the sending server keeps the mail and retries.
func (s *session) Data(r io.Reader) error {
	ctx := context.Background()
	limit, err := s.b.intake.MaxBytes(ctx)
	if err != nil {
		return tempFailure("Cannot accept mail now, try again later")
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if errors.Is(err, smtp.ErrDataTooLarge) || n > limit {
		return smtp.ErrDataTooLarge
	}
	if err != nil {
		return err
	}
	res, err := s.b.intake.Deliver(ctx, mail.Delivery{Mailbox: s.box, EnvelopeFrom: s.from,
		NullSender: s.from == "", Raw: buf.Bytes()})
	if errors.Is(err, mail.ErrThrottled) {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1},
			Message: "Too much mail from this sender, try again later"}
	}
	if err != nil {
		s.b.log.Error("smtp: store mail", "from", s.from, "remote", s.remote, "err", err)
		return tempFailure("Cannot store the mail now, try again later")
	}
	s.b.log.Debug("smtp: mail stored", "from", s.from, "outcome", res.Outcome, "ticket_id", res.TicketID)
	return nil
}

func tempFailure(msg string) error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: msg}
}

// slogLogger routes go-smtp's connection errors to slog.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) { l.log.Warn("smtp: " + fmt.Sprintf(format, v...)) }
func (l slogLogger) Println(v ...any)               { l.log.Warn("smtp: " + fmt.Sprintln(v...)) }
