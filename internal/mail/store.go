package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Delivery states of an email message.
const (
	StateReceived = "received"
	StateQueued   = "queued"
	StateSent     = "sent"
	StateFailed   = "failed"
)

// Record is a ticket message's email_messages row: how it travelled by
// mail. The sending side (internal/outbound) writes direction "out".
type Record struct {
	MessageID       int64
	MailboxID       *int64
	Direction       string // "in" or "out"
	RFCMessageID    string // without angle brackets
	ContentHash     string // inbound: ContentHash of the raw mail
	InReplyTo       string
	References      []string
	Subject         string
	From            string
	To, Cc          []string
	AutoReply       bool
	RawAttachmentID *int64
	QuoteStart      *int
	DeliveryState   string
	DeliveryError   string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// InsertRecord stores r in the caller's transaction.
func InsertRecord(ctx context.Context, q db.Queryer, r *Record) error {
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = r.CreatedAt
	}
	_, err := q.ExecContext(ctx, `
		INSERT INTO email_messages (message_id, mailbox_id, direction, rfc_message_id, in_reply_to, refs,
			subject, from_addr, to_addrs, cc_addrs, auto_reply, raw_attachment_id, quote_start,
			delivery_state, delivery_error, created_at, updated_at, content_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		r.MessageID, r.MailboxID, r.Direction, r.RFCMessageID, nullIfEmpty(r.InReplyTo),
		nullIfEmpty(strings.Join(r.References, " ")), r.Subject, r.From, strings.Join(r.To, ", "),
		strings.Join(r.Cc, ", "), r.AutoReply, r.RawAttachmentID, r.QuoteStart, r.DeliveryState,
		nullIfEmpty(r.DeliveryError), db.Time(r.CreatedAt), db.Time(r.UpdatedAt), nullIfEmpty(r.ContentHash))
	if err != nil {
		return fmt.Errorf("mail: record message %d: %w", r.MessageID, err)
	}
	return nil
}

// GetRecord returns the email record of ticket message messageID, or
// sql.ErrNoRows.
func GetRecord(ctx context.Context, q db.Queryer, messageID int64) (*Record, error) {
	var r Record
	var inReplyTo, refs, deliveryError sql.NullString
	var to, cc string
	err := q.QueryRowContext(ctx, `
		SELECT message_id, mailbox_id, direction, rfc_message_id, in_reply_to, refs, subject, from_addr,
			to_addrs, cc_addrs, auto_reply, raw_attachment_id, quote_start, delivery_state, delivery_error,
			created_at, updated_at
		FROM email_messages WHERE message_id = $1`, messageID).Scan(&r.MessageID, &r.MailboxID, &r.Direction,
		&r.RFCMessageID, &inReplyTo, &refs, &r.Subject, &r.From, &to, &cc, &r.AutoReply, &r.RawAttachmentID,
		&r.QuoteStart, &r.DeliveryState, &deliveryError, db.ScanTime(&r.CreatedAt), db.ScanTime(&r.UpdatedAt))
	if err != nil {
		return nil, err
	}
	r.InReplyTo, r.DeliveryError = inReplyTo.String, deliveryError.String
	r.References = strings.Fields(refs.String)
	r.To, r.Cc = splitList(to), splitList(cc)
	return &r, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ", ")
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// stored is an inbound email record found by its Message-ID.
type stored struct {
	ticketID, messageID, rawID int64
	hash                       string // "" for rows stored before hashes were recorded
}

// inboundByRFCID returns the inbound mails stored under a Message-ID that
// may be the mail with content hash: the one with that hash first, then
// those stored without one (before migration 00023).
func inboundByRFCID(ctx context.Context, q db.Queryer, rfcID, hash string) ([]stored, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT m.ticket_id, e.message_id, COALESCE(e.raw_attachment_id, 0), COALESCE(e.content_hash, '')
		FROM email_messages e JOIN messages m ON m.id = e.message_id
		WHERE e.rfc_message_id = $1 AND e.direction = 'in' AND (e.content_hash = $2 OR e.content_hash IS NULL)
		ORDER BY e.content_hash IS NULL, e.message_id LIMIT 20`, rfcID, hash)
	if err != nil {
		return nil, fmt.Errorf("mail: find stored %s: %w", rfcID, err)
	}
	defer rows.Close()
	var out []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.ticketID, &s.messageID, &s.rawID, &s.hash); err != nil {
			return nil, fmt.Errorf("mail: scan stored %s: %w", rfcID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ticketsByRFCID returns the tickets whose messages carry a Message-ID,
// the one with the newest such message first: every message we sent or
// received. Several mails may share an id (clients reuse them, forgers
// predict them), so it is read per ticket, for the caller to pick the one
// the sender takes part in. At most 200 tickets are read: a reply to an id
// on more tickets than that may open a new ticket, never join a stranger's.
func ticketsByRFCID(ctx context.Context, q db.Queryer, rfcID string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT m.ticket_id FROM email_messages e JOIN messages m ON m.id = e.message_id
		WHERE e.rfc_message_id = $1 GROUP BY m.ticket_id ORDER BY MAX(e.message_id) DESC LIMIT 200`, rfcID)
	if err != nil {
		return nil, fmt.Errorf("mail: tickets of %s: %w", rfcID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("mail: scan ticket of %s: %w", rfcID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// outboundByRFCID returns the ticket message we sent as rfcID, for a
// bounce, or found false.
func outboundByRFCID(ctx context.Context, q db.Queryer, rfcID string) (ticketID, messageID int64, found bool, err error) {
	err = q.QueryRowContext(ctx, `
		SELECT m.ticket_id, e.message_id FROM email_messages e JOIN messages m ON m.id = e.message_id
		WHERE e.rfc_message_id = $1 AND e.direction = 'out' ORDER BY e.message_id DESC LIMIT 1`,
		rfcID).Scan(&ticketID, &messageID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("mail: find sent %s: %w", rfcID, err)
	}
	return ticketID, messageID, true, nil
}

// markFailed records that a message we sent bounced.
func markFailed(ctx context.Context, q db.Queryer, messageID int64, reason string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE email_messages SET delivery_state = 'failed', delivery_error = $1,
		updated_at = $2 WHERE message_id = $3`, reason, db.Time(now), messageID)
	if err != nil {
		return fmt.Errorf("mail: mark %d failed: %w", messageID, err)
	}
	return nil
}

// recentFrom counts the mail stored from an address since a time, for
// throttling.
func recentFrom(ctx context.Context, q db.Queryer, addr string, since time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_messages
		WHERE from_addr = $1 AND created_at >= $2 AND direction = 'in'`, addr, db.Time(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("mail: count mail from %s: %w", addr, err)
	}
	return n, nil
}
