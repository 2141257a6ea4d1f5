package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Mailbox is the support address a mail was delivered to, as intake needs
// it.
type Mailbox struct {
	ID      int64
	Address string // lower-cased
	TeamID  *int64 // the team new tickets go to
}

// Directory finds the configured mailboxes. Lookup returns an apperr
// NotFound error for an address that is not one of ours.
type Directory interface {
	Lookup(ctx context.Context, addr string) (*Mailbox, error)
}

// AckFunc queues the acknowledgement of a new ticket in the intake's
// transaction (the sending side provides it). It is called only for a new
// ticket from mail that no machine sent.
type AckFunc func(ctx context.Context, tx *sql.Tx, box *Mailbox, t *ticket.Ticket, m *ticket.Message, rfcID string) error

// ErrThrottled is returned by Deliver when the sender sent more mail than
// Options.PerMinute allows; the sender should try again later (SMTP 451).
var ErrThrottled = errors.New("mail: too much mail from this sender, try again later")

// Options tune intake.
type Options struct {
	// PerMinute is how many mails one sender address may have stored per
	// minute before intake refuses more for a while. 0 means
	// DefaultPerMinute; negative turns throttling off.
	PerMinute int
	// ParseToken returns the ticket numbers of the validly signed tokens
	// in a subject ("[#1042-ab12cd]"). Nil: subjects are not searched.
	ParseToken func(subject string) []int64
	// Ack queues a new ticket's acknowledgement. Nil: none is sent.
	Ack AckFunc
	// MaxFollowers bounds how many copied addresses one mail adds as
	// followers. 0 means DefaultMaxFollowers.
	MaxFollowers int
	// Joiner adds a mail that answers no ticket to its sender's open
	// ticket about the same issue, and links a new ticket to the sender's
	// other open ones (see join.go). Nil: every such mail opens a ticket.
	Joiner Joiner
	// JoinAck queues the acknowledgement of a mail Joiner added to a
	// ticket. Nil: none is sent.
	JoinAck AckFunc
}

// Defaults of Options.
const (
	DefaultPerMinute    = 30
	DefaultMaxFollowers = 20
)

// Intake turns received mail into tickets and replies.
type Intake struct {
	db          *db.DB
	tickets     *ticket.Service
	attachments *attachment.Service
	dir         Directory
	opts        Options
	log         *slog.Logger
	now         func() time.Time
}

// NewIntake returns an Intake that stores mail through the ticket core.
func NewIntake(d *db.DB, tickets *ticket.Service, attachments *attachment.Service, dir Directory,
	opts Options, log *slog.Logger) *Intake {
	if opts.PerMinute == 0 {
		opts.PerMinute = DefaultPerMinute
	}
	if opts.MaxFollowers == 0 {
		opts.MaxFollowers = DefaultMaxFollowers
	}
	return &Intake{db: d, tickets: tickets, attachments: attachments, dir: dir, opts: opts, log: log, now: db.Now}
}

// Delivery is one mail as it arrived.
type Delivery struct {
	Mailbox *Mailbox
	// EnvelopeFrom is the SMTP MAIL FROM address ("" for bounces and for
	// mail fetched by IMAP): the sender of last resort.
	EnvelopeFrom string
	// NullSender says the envelope sender was empty (MAIL FROM:<>): a
	// bounce or another machine's mail, never answered automatically.
	NullSender bool
	Raw        []byte
}

// Outcomes of a delivery.
const (
	OutcomeNew        = "new_ticket"
	OutcomeReply      = "reply"
	OutcomeFollowUp   = "follow_up"
	OutcomeJoined     = "joined" // added to the sender's open ticket by its subject
	OutcomeBounce     = "bounce"
	OutcomeDuplicate  = "duplicate"
	OutcomeUnreadable = "unreadable" // kept raw on a new ticket
)

// Result says what a delivery became.
type Result struct {
	Outcome   string
	TicketID  int64
	MessageID int64
	Reopened  bool
}

// MaxBytes is the largest mail intake stores: the attachment size limit,
// since the raw mail is kept as an attachment.
func (in *Intake) MaxBytes(ctx context.Context) (int64, error) {
	return in.attachments.MaxBytes(ctx)
}

// Deliver stores one mail: parsed, threaded onto its ticket or opening a
// new one, with its attachments, the raw original and its email record, in
// one transaction. It returns only after that transaction committed, so a
// caller may then acknowledge the mail (SMTP 250, IMAP \Seen); on error
// nothing was stored and the mail should be offered again. A mail is a
// duplicate (OutcomeDuplicate, stored once) when a mail with the same
// Message-ID and the same content (ContentHash) is already stored by any
// of the desk's mailboxes: an SMTP retry, an IMAP fetch repeated, a copy to
// two of our addresses. A different mail reusing a Message-ID is stored.
func (in *Intake) Deliver(ctx context.Context, d Delivery) (*Result, error) {
	p, perr := Parse(d.Raw)
	rfcID := SyntheticID(d.Raw)
	if perr == nil {
		rfcID = p.MessageID
	}
	hash := ContentHash(d.Raw)
	if dup, found, err := in.duplicate(ctx, in.db.Reader(ctx), rfcID, hash); err != nil || found {
		return dup, err
	}
	if p != nil && d.NullSender && !p.Auto {
		// RFC 3834: mail with an empty return path is never answered.
		p.Auto, p.AutoReason = true, "null return path"
	}
	sender := in.senderOf(p, d.EnvelopeFrom)
	if err := in.throttle(ctx, sender.Addr); err != nil {
		return nil, err
	}
	files, err := in.store(ctx, d.Raw, p)
	if err != nil {
		return nil, err
	}
	var res *Result
	err = in.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Two deliveries of one mail at once (an SMTP retry while the first
		// is still storing, an IMAP poll on another node) wait for each
		// other here, so the second finds the first's row instead of
		// failing on the unique index.
		if err := in.lockMail(ctx, tx, rfcID, hash); err != nil {
			return err
		}
		dup, found, err := in.duplicate(ctx, tx, rfcID, hash)
		if err != nil || found {
			res = dup
			return err
		}
		x := &delivery{in: in, tx: tx, d: d, p: p, perr: perr, rfcID: rfcID, hash: hash, sender: sender, files: files}
		res, err = x.run(ctx)
		return err
	})
	if db.IsUniqueViolation(err) {
		// The lock makes this rare (a database without it); the row that
		// won is the same mail only if it is found as a duplicate now.
		// Anything else is a conflict to retry, never a mail to drop.
		if dup, found, ferr := in.duplicate(ctx, in.db.Reader(ctx), rfcID, hash); ferr == nil && found {
			return dup, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mail: intake of %s: %w", rfcID, err)
	}
	return res, nil
}

// duplicate returns the result of the mail already stored with this
// Message-ID and content hash; found is false when there is none. Rows stored before content hashes
// were recorded are compared by hashing their original.eml.
func (in *Intake) duplicate(ctx context.Context, q db.Queryer, rfcID, hash string) (res *Result, found bool, err error) {
	rows, err := inboundByRFCID(ctx, q, rfcID, hash)
	if err != nil {
		return nil, false, err
	}
	for _, r := range rows {
		if r.hash == hash || (r.hash == "" && in.rawHashIs(ctx, r.rawID, hash)) {
			return &Result{Outcome: OutcomeDuplicate, TicketID: r.ticketID, MessageID: r.messageID}, true, nil
		}
	}
	return nil, false, nil
}

// rawHashIs reports whether the stored original.eml id hashes to hash. An
// original that is gone or unreadable matches nothing: the mail is then
// stored again rather than risk dropping it.
func (in *Intake) rawHashIs(ctx context.Context, id int64, hash string) bool {
	if id == 0 {
		return false
	}
	_, f, err := in.attachments.Open(ctx, id)
	if err != nil {
		in.log.Warn("mail: read a stored original to compare", "attachment_id", id, "err", err)
		return false
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		in.log.Warn("mail: read a stored original to compare", "attachment_id", id, "err", err)
		return false
	}
	return ContentHash(raw) == hash
}

// lockMail serialises the intake transactions of one mail. SQLite has one
// writer, so only PostgreSQL needs a lock: a transaction-scoped advisory
// lock on the first 8 bytes of a hash of id and content.
func (in *Intake) lockMail(ctx context.Context, tx *sql.Tx, rfcID, hash string) error {
	if in.db.Dialect() != db.Postgres {
		return nil
	}
	sum := sha256.Sum256([]byte(rfcID + "\x00" + hash))
	key := int64(binary.BigEndian.Uint64(sum[:8]))
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
		return fmt.Errorf("mail: lock %s: %w", rfcID, err)
	}
	return nil
}

// senderOf returns who a mail is from: its From, else the envelope sender,
// else a placeholder, so that every mail has a customer to belong to.
func (in *Intake) senderOf(p *Message, envelopeFrom string) Address {
	if p != nil {
		if a, err := customer.NormalizeEmail("from", p.From.Addr); err == nil {
			return Address{Name: truncateRunes(p.From.Name, 200), Addr: a}
		}
	}
	if a, err := customer.NormalizeEmail("from", envelopeFrom); err == nil {
		return Address{Addr: a}
	}
	return Address{Name: "Unknown sender", Addr: UnknownSender}
}

// UnknownSender is the customer that mail with no usable sender address
// belongs to.
const UnknownSender = "unknown-sender@centerdesk.invalid"

// throttle refuses mail from an address that sent too much in the last
// minute. Only stored mail counts, so a refused sender is let in again as
// the minute slides.
func (in *Intake) throttle(ctx context.Context, addr string) error {
	if in.opts.PerMinute < 0 || addr == UnknownSender {
		return nil
	}
	n, err := recentFrom(ctx, in.db.Reader(ctx), addr, in.now().Add(-time.Minute))
	if err != nil {
		return err
	}
	if n >= in.opts.PerMinute {
		in.log.Warn("mail: throttled sender", "from", addr, "last_minute", n)
		return ErrThrottled
	}
	return nil
}

// files are the uploads a mail's bytes were stored as, before the
// transaction that attaches them.
type files struct {
	raw    int64            // the original .eml
	parts  []int64          // attachments and inline images, in order
	byCID  map[string]int64 // inline parts by Content-ID
	failed []string         // parts that could not be stored, for the note
}

// store uploads the raw mail and its parts. Uploads are unattached until
// the intake transaction attaches them; if it never commits, the collector
// removes them.
func (in *Intake) store(ctx context.Context, raw []byte, p *Message) (*files, error) {
	f := &files{byCID: map[string]int64{}}
	a, err := in.attachments.Upload(ctx, attachment.Upload{Filename: "original.eml",
		ContentType: "message/rfc822", Body: bytes.NewReader(raw), Size: int64(len(raw))})
	if err != nil {
		return nil, fmt.Errorf("mail: store original: %w", err)
	}
	f.raw = a.ID
	if p == nil {
		return f, nil
	}
	for _, part := range p.Parts {
		if len(f.parts) >= attachment.MaxPerMessage-1 {
			f.failed = append(f.failed, part.Filename+" (too many attachments)")
			continue
		}
		a, err := in.attachments.Upload(ctx, attachment.Upload{Filename: part.Filename,
			ContentType: part.ContentType, Body: bytes.NewReader(part.Content), Size: int64(len(part.Content))})
		if e, ok := apperr.As(err); ok {
			// Too large, a name it refuses: the part stays in the original.
			f.failed = append(f.failed, part.Filename+" ("+e.Message+")")
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mail: store %s: %w", part.Filename, err)
		}
		f.parts = append(f.parts, a.ID)
		if part.ContentID != "" {
			f.byCID[part.ContentID] = a.ID
		}
	}
	return f, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
