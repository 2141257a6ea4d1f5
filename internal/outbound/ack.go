package outbound

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// ackJob is the payload of a KindAck job: the acknowledgement as rendered
// when the ticket was opened, so a retry sends the same mail.
type ackJob struct {
	TicketID  int64  `json:"ticket_id"`
	MailboxID int64  `json:"mailbox_id"`
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	MessageID string `json:"message_id"`  // ours, without brackets
	InReplyTo string `json:"in_reply_to"` // the customer's mail
}

// AckPerHour caps the acknowledgements one address is sent in an hour
// (RFC 3834 asks responders not to answer one sender over and over): a
// flood of mail forged in someone's name costs them at most this many.
const AckPerHour = 5

// QueueAck queues the acknowledgement of ticket t, opened by the customer's
// mail m (Message-ID rfcID) that arrived at box, in intake's transaction.
// It is mail.Options.Ack; intake calls it only for mail no machine sent
// (see mail's autoSubmitted: RFC 3834's Auto-Submitted, Precedence, list
// headers, a null return path, no-reply senders). Nothing is queued when
// the mailbox has acknowledgements off or cannot send, when the address
// was acknowledged on this ticket already, or when it had AckPerHour
// acknowledgements in the last hour.
func (s *Service) QueueAck(ctx context.Context, tx *sql.Tx, box *mail.Mailbox, t *ticket.Ticket, m *ticket.Message, rfcID string) error {
	mb, err := s.mailboxes.GetIn(ctx, tx, box.ID) // through the intake's transaction: see mailboxOf
	if err != nil {
		return err
	}
	if !mb.AckEnabled || !mb.CanSend() {
		return nil
	}
	to, name, err := requesterEmail(ctx, tx, t.RequesterID)
	if err != nil || to == "" || to == mail.UnknownSender {
		return err
	}
	if ok, err := s.claimAck(ctx, tx, t.ID, to); err != nil || !ok {
		return err
	}
	subject, body, err := mailbox.RenderAck(mb, mailbox.AckData{Number: t.Number, Subject: t.Subject, CustomerName: name})
	if err != nil {
		// The templates were checked when saved; fail safe to the defaults.
		s.log.Error("outbound: render acknowledgement; using the default", "mailbox", mb.Address, "err", err)
		subject, body, _ = mailbox.RenderAck(&mailbox.Mailbox{Address: mb.Address, Name: mb.Name},
			mailbox.AckData{Number: t.Number, Subject: t.Subject, CustomerName: name})
	}
	p := ackJob{TicketID: t.ID, MailboxID: mb.ID, To: to, Subject: mailtoken.WithToken(subject, t.Number, s.key),
		Body: body, MessageID: newMessageID("ack", t.Number, m.ID, mb.Address), InReplyTo: rfcID}
	_, err = s.queue.Enqueue(ctx, tx, KindAck, p,
		jobs.EnqueueOptions{UniqueKey: strconv.FormatInt(t.ID, 10)})
	return err
}

// claimAck records the acknowledgement of ticket ticketID to addr, or
// reports false when there was one already, or when addr reached
// AckPerHour. On PostgreSQL the address is locked for the transaction so
// that concurrent intakes count one after another.
func (s *Service) claimAck(ctx context.Context, tx *sql.Tx, ticketID int64, addr string) (bool, error) {
	if s.db.Dialect() == db.Postgres {
		sum := sha256.Sum256([]byte("ack\x00" + addr))
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`,
			int64(binary.BigEndian.Uint64(sum[:8]))); err != nil {
			return false, fmt.Errorf("outbound: lock acknowledgements of %s: %w", addr, err)
		}
	}
	now := s.now()
	n, err := acksSince(ctx, tx, addr, now.Add(-time.Hour))
	if err != nil {
		return false, err
	}
	if n >= AckPerHour {
		s.log.Warn("outbound: acknowledgement not sent: hourly cap reached", "to", addr, "ticket", ticketID)
		return false, nil
	}
	return insertAck(ctx, tx, ticketID, addr, now)
}

// sendAck is the KindAck job.
func (s *Service) sendAck(ctx context.Context, j *jobs.Job) error {
	var p ackJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	box, r, err := s.relayOf(ctx, &p.MailboxID)
	if err != nil {
		return err
	}
	e := &envelope{FromName: box.Name, From: box.Address, To: []string{p.To}, Subject: p.Subject,
		MessageID: p.MessageID, InReplyTo: p.InReplyTo, Date: j.CreatedAt, Text: p.Body, Auto: true}
	if p.InReplyTo != "" {
		e.References = []string{p.InReplyTo}
	}
	raw, err := s.compose(ctx, e)
	if err != nil {
		return err
	}
	return s.send(ctx, r, box.Address, e.To, raw)
}

// ackFailed notes on the ticket that its acknowledgement could not be sent.
func (s *Service) ackFailed(ctx context.Context, tx *sql.Tx, j *jobs.Job, why string) error {
	var p ackJob
	if err := j.Decode(&p); err != nil {
		return nil
	}
	s.log.Warn("outbound: acknowledgement not sent", "ticket", p.TicketID, "to", p.To, "reason", why)
	return nil
}
