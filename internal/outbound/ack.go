package outbound

import (
	"context"
	"database/sql"
	"strconv"

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

// QueueAck queues the acknowledgement of ticket t, opened by the customer's
// mail m (Message-ID rfcID) that arrived at box, in intake's transaction.
// It is mail.Options.Ack; intake calls it only for mail no machine sent.
// Nothing is queued when the mailbox has acknowledgements off or cannot
// send.
func (s *Service) QueueAck(ctx context.Context, tx *sql.Tx, box *mail.Mailbox, t *ticket.Ticket, m *ticket.Message, rfcID string) error {
	mb, err := s.mailboxes.GetIn(ctx, tx, box.ID) // through the intake's transaction: see mailboxOf
	if err != nil {
		return err
	}
	if !mb.AckEnabled || !mb.CanSend() {
		return nil
	}
	to, name, err := requesterEmail(ctx, tx, t.RequesterID)
	if err != nil || to == "" {
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
	raw, err := compose(ctx, e)
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
