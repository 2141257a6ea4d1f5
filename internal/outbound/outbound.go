package outbound

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Job kinds this package runs.
const (
	KindReply = "email.reply"
	KindAck   = "email.ack"
)

// replyAttempts bounds the retries of a reply: with the queue's backoff
// (10 s doubling to an hour) about half a day, as mail servers retry.
const replyAttempts = 20

// Options adjust a Service, for tests.
type Options struct {
	RootCAs *x509.CertPool // trusted for the relays' TLS; nil: the system's
	Now     func() time.Time
}

// Service queues and sends the email channel's mail.
type Service struct {
	db          *db.DB
	queue       *jobs.Queue
	mailboxes   *mailbox.Service
	tickets     *ticket.Service
	attachments *attachment.Service
	key         []byte // signs ticket tokens (the instance's secret key)
	log         *slog.Logger
	opts        Options
	now         func() time.Time
}

// New returns a Service and registers its job kinds with q. Hook it into
// the ticket service with tickets.OnMessage(s.OnMessage), and give
// QueueAck to intake.
func New(d *db.DB, q *jobs.Queue, mailboxes *mailbox.Service, tickets *ticket.Service,
	attachments *attachment.Service, key []byte, log *slog.Logger, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = db.Now
	}
	s := &Service{db: d, queue: q, mailboxes: mailboxes, tickets: tickets, attachments: attachments,
		key: key, log: log, opts: opts, now: opts.Now}
	q.Register(KindReply, jobs.Kind{Handle: s.sendReply, OnDead: s.replyFailed, MaxAttempts: replyAttempts})
	q.Register(KindAck, jobs.Kind{Handle: s.sendAck, OnDead: s.ackFailed, MaxAttempts: replyAttempts})
	return s
}

// replyJob is the payload of a KindReply job: everything else is on the
// message's email record.
type replyJob struct {
	MessageID int64 `json:"message_id"`
}

// OnMessage is the ticket service's message hook: an agent's public reply
// on a ticket whose requester has an email address is queued for sending
// from the ticket's mailbox, in the reply's own transaction. Other messages,
// and tickets with no mailbox to send from, are left alone.
func (s *Service) OnMessage(ctx context.Context, tx *sql.Tx, t *ticket.Ticket, m *ticket.Message) error {
	if m.Kind != ticket.KindReply || m.AuthorType != events.ActorAgent {
		return nil
	}
	to, _, err := requesterEmail(ctx, tx, t.RequesterID)
	if err != nil || to == "" {
		return err
	}
	box, ok, err := s.mailboxOf(ctx, tx, t.ID)
	if err != nil || !ok {
		return err
	}
	thread, err := conversation(ctx, tx, t.ID, m.ID)
	if err != nil {
		return err
	}
	cc, err := followerEmails(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	cc = slices.DeleteFunc(cc, func(a string) bool { return a == to || a == box.Address })
	now := s.now()
	rec := &mail.Record{MessageID: m.ID, MailboxID: &box.ID, Direction: "out",
		RFCMessageID: newMessageID("msg", t.Number, m.ID, box.Address),
		Subject:      mailtoken.ReplySubject(t.Subject, t.Number, s.key),
		From:         box.Address, To: []string{to}, Cc: cc, DeliveryState: mail.StateQueued,
		CreatedAt: now, UpdatedAt: now}
	rec.InReplyTo, rec.References = threading(thread)
	if err := mail.InsertRecord(ctx, tx, rec); err != nil {
		return err
	}
	_, err = s.queue.Enqueue(ctx, tx, KindReply, replyJob{MessageID: m.ID},
		jobs.EnqueueOptions{UniqueKey: strconv.FormatInt(m.ID, 10)})
	return err
}

// threading returns what a new message in a conversation answers, as RFC
// 5322 threads mail: In-Reply-To the latest mail of the conversation, and
// References every earlier one, oldest first.
func threading(thread []earlier) (inReplyTo string, refs []string) {
	for _, e := range thread {
		refs = append(refs, e.rfcID)
	}
	if len(refs) > 0 {
		inReplyTo = refs[len(refs)-1]
	}
	return inReplyTo, refs
}

// mailboxOf returns the mailbox a ticket's mail leaves from: the one it
// came in by, else the only one configured; ok is false when there is
// none that can send (the reply is then not emailed). It reads through tx: the hook runs while the reply's
// transaction holds a connection, and taking a second one from the pool
// deadlocks PostgreSQL once every connection is held by such a hook.
func (s *Service) mailboxOf(ctx context.Context, tx *sql.Tx, ticketID int64) (box *mailbox.Mailbox, ok bool, err error) {
	id, err := ticketMailbox(ctx, tx, ticketID)
	if err != nil {
		return nil, false, err
	}
	if id != 0 {
		box, err = s.mailboxes.GetIn(ctx, tx, id)
	} else {
		box, err = s.mailboxes.DefaultIn(ctx, tx)
	}
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !box.CanSend() {
		s.log.Warn("outbound: the ticket's mailbox has no SMTP relay; the reply is not emailed",
			"ticket", ticketID, "mailbox", box.Address)
		return nil, false, nil
	}
	return box, true, nil
}

// sendReply is the KindReply job: it sends the reply as its email record
// says, then marks the record sent and completes the job in one commit.
func (s *Service) sendReply(ctx context.Context, j *jobs.Job) error {
	var p replyJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	rec, err := mail.GetRecord(ctx, s.db.Reader(ctx), p.MessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return jobs.Permanent(fmt.Errorf("message %d has no email record (deleted?)", p.MessageID))
	}
	if err != nil {
		return err
	}
	if rec.DeliveryState != mail.StateQueued {
		return nil // sent or failed already: a job run again after its commit
	}
	box, r, err := s.relayOf(ctx, rec.MailboxID)
	if err != nil {
		return err
	}
	e, err := s.replyEnvelope(ctx, rec, box)
	if err != nil {
		return err
	}
	raw, err := s.compose(ctx, e)
	if err != nil {
		return err
	}
	if err := s.send(ctx, r, rec.From, append(slices.Clone(rec.To), rec.Cc...), raw); err != nil {
		if !jobs.IsPermanent(err) && !j.LastAttempt() {
			if nerr := noteRetry(context.WithoutCancel(ctx), s.db.Writer(ctx), rec.MessageID,
				"will retry: "+reason(err), s.now()); nerr != nil {
				s.log.Error("outbound: note retry", "message", rec.MessageID, "err", nerr)
			}
		}
		return err
	}
	// Recorded even if the job's context ended meanwhile: the mail is gone.
	rctx := context.WithoutCancel(ctx)
	return s.db.Tx(rctx, func(rctx context.Context, tx *sql.Tx) error {
		if err := setDelivery(rctx, tx, rec.MessageID, mail.StateSent, "", s.now()); err != nil {
			return err
		}
		return s.queue.Finish(rctx, tx, j)
	})
}

// replyFailed marks a reply's mail failed, with the reason, when its job
// is dead.
func (s *Service) replyFailed(ctx context.Context, tx *sql.Tx, j *jobs.Job, why string) error {
	var p replyJob
	if err := j.Decode(&p); err != nil {
		return nil // nothing to mark
	}
	return setDelivery(ctx, tx, p.MessageID, mail.StateFailed, why, s.now())
}

// relayOf returns a mailbox and its relay with the decrypted password.
func (s *Service) relayOf(ctx context.Context, mailboxID *int64) (*mailbox.Mailbox, relay, error) {
	if mailboxID == nil {
		return nil, relay{}, jobs.Permanent(errors.New("the mailbox this mail was to leave from was deleted"))
	}
	box, err := s.mailboxes.Get(ctx, *mailboxID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, relay{}, jobs.Permanent(errors.New("the mailbox this mail was to leave from was deleted"))
	}
	if err != nil {
		return nil, relay{}, err
	}
	if !box.CanSend() {
		return nil, relay{}, jobs.Permanent(fmt.Errorf("mailbox %s has no SMTP relay", box.Address))
	}
	pw, err := s.mailboxes.SMTPPassword(box)
	if err != nil {
		return nil, relay{}, jobs.Permanent(err)
	}
	return box, relay{host: box.SMTPHost, port: box.SMTPPort, security: box.SMTPSecurity,
		user: box.SMTPUser, password: pw, heloName: domainOf(box.Address)}, nil
}

func domainOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return addr
}

// replyEnvelope is the mail of an agent's reply: its record's headers, the
// message's text, HTML and attachments.
func (s *Service) replyEnvelope(ctx context.Context, rec *mail.Record, box *mailbox.Mailbox) (*envelope, error) {
	ticketID, err := messageTicket(ctx, s.db.Reader(ctx), rec.MessageID)
	if err != nil {
		return nil, jobs.Permanent(fmt.Errorf("message %d: %w", rec.MessageID, err))
	}
	msgs, err := s.tickets.Messages(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(msgs, func(m *ticket.Message) bool { return m.ID == rec.MessageID })
	if i < 0 {
		return nil, jobs.Permanent(fmt.Errorf("message %d is no longer on ticket %d", rec.MessageID, ticketID))
	}
	m := msgs[i]
	body, err := s.replyBody(ctx, m, box)
	if err != nil {
		return nil, err
	}
	e := &envelope{FromName: box.Name, From: rec.From, To: rec.To, Cc: rec.Cc, Subject: rec.Subject,
		MessageID: rec.RFCMessageID, InReplyTo: rec.InReplyTo, References: rec.References,
		Date: m.CreatedAt, Text: body.text(), HTML: body.html()}
	for _, a := range m.Attachments {
		e.Files = append(e.Files, file{Name: a.Filename, ContentType: a.ContentType,
			Open: func(ctx context.Context) (io.ReadCloser, error) {
				_, f, err := s.attachments.Open(ctx, a.ID)
				return f, err
			}})
	}
	return e, nil
}

// replyBody gathers what the reply's mail says: the reply, its author's
// signature as it reads when the mail is sent, and the public messages
// before it.
func (s *Service) replyBody(ctx context.Context, m *ticket.Message, box *mailbox.Mailbox) (replyBody, error) {
	q := s.db.Reader(ctx)
	sig, err := signatureOf(ctx, q, m.AuthorID)
	if err != nil {
		return replyBody{}, err
	}
	from := box.Name
	if from == "" {
		from = box.Address
	}
	hist, err := history(ctx, q, m.TicketID, m.ID, from)
	if err != nil {
		return replyBody{}, err
	}
	// Dates in mail to customers are in the desk's zone, as its Date header is.
	zone, err := settings.Location(ctx, q)
	if err != nil {
		return replyBody{}, err
	}
	return replyBody{Text: m.Body, HTML: m.BodyHTML, Signature: sig, History: hist, Zone: zone}, nil
}
