package outbound

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// QueueJoinAck queues the acknowledgement of the customer's mail m
// (Message-ID rfcID), which carried no thread headers and was added to
// their open ticket t because its subject matched: it tells them which
// request their message joined. It is mail.Options.JoinAck, called in
// intake's transaction for mail no machine sent; a retried delivery is a
// duplicate there and never reaches it, and the job's key is the message,
// so one mail is acknowledged once. The mailbox's acknowledgement switch
// and the hourly cap of AckPerHour (counting both kinds) apply.
func (s *Service) QueueJoinAck(ctx context.Context, tx *sql.Tx, box *mail.Mailbox, t *ticket.Ticket, m *ticket.Message, rfcID string) error {
	mb, err := s.mailboxes.GetIn(ctx, tx, box.ID)
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
	if ok, err := s.claimJoinAck(ctx, tx, t.ID, m.ID, to); err != nil || !ok {
		return err
	}
	mailboxName := mb.Name
	if mailboxName == "" {
		mailboxName = mb.Address
	}
	subject := fmt.Sprintf("We added your message to request #%d: %s", t.Number, t.Subject)
	p := ackJob{TicketID: t.ID, MailboxID: mb.ID, To: to,
		Subject:   mailtoken.WithToken(strings.Join(strings.Fields(subject), " "), t.Number, s.key),
		Body:      joinAckBody(name, t.Number, t.Subject, mailboxName),
		MessageID: newMessageID("joinack", t.Number, m.ID, mb.Address), InReplyTo: rfcID}
	_, err = s.queue.Enqueue(ctx, tx, KindAck, p,
		jobs.EnqueueOptions{UniqueKey: fmt.Sprintf("join-%d", m.ID)})
	return err
}

// joinAckBody is the text of a join's acknowledgement.
func joinAckBody(customerName string, number int64, subject, mailboxName string) string {
	greeting := "Hello,"
	if customerName != "" {
		greeting = "Hello " + customerName + ","
	}
	return fmt.Sprintf(`%s

Thank you for your message. It is about your request #%d, "%s", which we are already working on, so we added it there: everything about this issue stays in one conversation.

To add anything, reply to this email and keep the ticket number in the subject.

%s
`, greeting, number, subject, mailboxName)
}

// claimJoinAck records the join acknowledgement of message messageID to
// addr, or reports false when addr reached AckPerHour acknowledgements of
// either kind in the last hour.
func (s *Service) claimJoinAck(ctx context.Context, tx *sql.Tx, ticketID, messageID int64, addr string) (bool, error) {
	if s.db.Dialect() == db.Postgres {
		sum := sha256.Sum256([]byte("ack\x00" + addr)) // the lock claimAck takes
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`,
			int64(binary.BigEndian.Uint64(sum[:8]))); err != nil {
			return false, fmt.Errorf("outbound: lock acknowledgements of %s: %w", addr, err)
		}
	}
	now := s.now()
	since := now.Add(-time.Hour)
	n, err := acksSince(ctx, tx, addr, since)
	if err != nil {
		return false, err
	}
	var joins int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_join_acks WHERE to_addr = $1 AND created_at >= $2`,
		addr, db.Time(since)).Scan(&joins)
	if err != nil {
		return false, fmt.Errorf("outbound: count join acknowledgements to %s: %w", addr, err)
	}
	if n+joins >= AckPerHour {
		s.log.Warn("outbound: join acknowledgement not sent: hourly cap reached", "to", addr, "ticket", ticketID)
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO email_join_acks (message_id, ticket_id, to_addr, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING`, messageID, ticketID, addr, db.Time(now))
	if err != nil {
		return false, fmt.Errorf("outbound: record join acknowledgement of %d: %w", messageID, err)
	}
	added, err := res.RowsAffected()
	return added == 1, err
}
