package outbound

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
)

// Timeouts of one SMTP conversation, well inside a job's lease.
const (
	dialTimeout    = 30 * time.Second
	commandTimeout = time.Minute
	dataTimeout    = 2 * time.Minute
)

// relay is a mailbox's SMTP relay, with its decrypted password.
type relay struct {
	host, security, user, password string
	port                           int
	heloName                       string
}

// send hands raw to the relay for the recipients. Its error says whether
// trying again can help: a permanent one (the server's 5xx) is wrapped by
// jobs.Permanent.
func (s *Service) send(ctx context.Context, r relay, from string, to []string, raw []byte) error {
	c, err := s.dial(ctx, r)
	if err != nil {
		return classify(err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	c.CommandTimeout, c.SubmissionTimeout = commandTimeout, dataTimeout
	if err := c.Hello(r.heloName); err != nil {
		return classify(err)
	}
	if r.user != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return jobs.Permanent(fmt.Errorf("the relay %s offers no authentication, but the mailbox has a user", r.host))
		}
		if err := c.Auth(sasl.NewPlainClient("", r.user, r.password)); err != nil {
			return classify(fmt.Errorf("authenticate as %s: %w", r.user, err))
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return classify(err)
	}
	if err := c.Quit(); err != nil {
		// The mail was accepted with the final 250; a failing QUIT does not
		// change that.
		s.log.Debug("outbound: quit", "host", r.host, "err", err)
	}
	return nil
}

// dial connects as the mailbox's security says: TLS from the start,
// STARTTLS (required, never skipped), or plain.
func (s *Service) dial(ctx context.Context, r relay) (*smtp.Client, error) {
	addr := net.JoinHostPort(r.host, strconv.Itoa(r.port))
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	cfg := &tls.Config{ServerName: r.host, RootCAs: s.opts.RootCAs, MinVersion: tls.VersionTLS12}
	switch r.security {
	case mailbox.SecurityTLS:
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS with %s: %w", addr, err)
		}
		return smtp.NewClient(tc), nil
	case mailbox.SecurityStartTLS:
		c, err := smtp.NewClientStartTLS(conn, cfg)
		if err != nil {
			return nil, fmt.Errorf("STARTTLS with %s: %w", addr, err)
		}
		return c, nil
	}
	return smtp.NewClient(conn), nil
}

// classify wraps the server's permanent refusals (5xx) as permanent; every
// other failure (4xx, a network or TLS failure, a timeout) may pass.
// The error reads as the server's answer ("550 5.1.1 no such user"), which
// is what the message shows.
func classify(err error) error {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return err
	}
	err = relayError{msg: reason(err), err: err}
	if se.Code >= 500 && se.Code < 600 {
		return jobs.Permanent(err)
	}
	return err
}

// relayError is the server's answer, kept for errors.As.
type relayError struct {
	msg string
	err error
}

func (e relayError) Error() string { return e.msg }
func (e relayError) Unwrap() error { return e.err }

// reason is a failure as the message shows it: the server's code and
// words when it answered.
func reason(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		msg := strings.Join(strings.Fields(se.Message), " ")
		if se.EnhancedCode != (smtp.EnhancedCode{}) && se.EnhancedCode != smtp.NoEnhancedCode {
			return fmt.Sprintf("%d %d.%d.%d %s", se.Code, se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2], msg)
		}
		return fmt.Sprintf("%d %s", se.Code, msg)
	}
	return err.Error()
}
