package outbound

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// requesterEmail returns a customer's first email address, or "" when the
// customer has none (a ticket opened by phone).
func requesterEmail(ctx context.Context, q db.Queryer, customerID int64) (addr, name string, err error) {
	err = q.QueryRowContext(ctx, `
		SELECT COALESCE((SELECT value FROM customer_identities WHERE customer_id = c.id AND kind = 'email'
			ORDER BY created_at, value LIMIT 1), ''), c.name
		FROM customers c WHERE c.id = $1`, customerID).Scan(&addr, &name)
	if err != nil {
		return "", "", fmt.Errorf("outbound: requester %d: %w", customerID, err)
	}
	return addr, name, nil
}

// followerEmails returns the addresses of a ticket's followers.
func followerEmails(ctx context.Context, q db.Queryer, ticketID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT MIN(i.value) FROM ticket_followers f
		JOIN customer_identities i ON i.customer_id = f.customer_id AND i.kind = 'email'
		WHERE f.ticket_id = $1 GROUP BY f.customer_id ORDER BY f.customer_id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("outbound: followers of %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("outbound: scan follower: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ticketMailbox returns the mailbox a ticket came in by, or 0.
func ticketMailbox(ctx context.Context, q db.Queryer, ticketID int64) (int64, error) {
	var id sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT mailbox_id FROM tickets WHERE id = $1`, ticketID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("outbound: mailbox of ticket %d: %w", ticketID, err)
	}
	return id.Int64, nil
}

// earlier is a message of the conversation that travelled by mail.
type earlier struct {
	rfcID     string
	direction string
}

// conversation returns the Message-IDs of a ticket's mail before message
// before, oldest first: what a reply's References name.
func conversation(ctx context.Context, q db.Queryer, ticketID, before int64) ([]earlier, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT e.rfc_message_id, e.direction FROM email_messages e JOIN messages m ON m.id = e.message_id
		WHERE m.ticket_id = $1 AND e.message_id < $2 ORDER BY e.message_id`, ticketID, before)
	if err != nil {
		return nil, fmt.Errorf("outbound: conversation of %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []earlier
	for rows.Next() {
		var e earlier
		if err := rows.Scan(&e.rfcID, &e.direction); err != nil {
			return nil, fmt.Errorf("outbound: scan conversation: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// messageTicket returns the ticket a message is on.
func messageTicket(ctx context.Context, q db.Queryer, messageID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT ticket_id FROM messages WHERE id = $1`, messageID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("outbound: ticket of message %d: %w", messageID, err)
	}
	return id, nil
}

// setDelivery records how an outgoing mail fared.
func setDelivery(ctx context.Context, q db.Queryer, messageID int64, state, reason string, now time.Time) error {
	var r *string
	if reason != "" {
		r = &reason
	}
	_, err := q.ExecContext(ctx, `UPDATE email_messages SET delivery_state = $1, delivery_error = $2, updated_at = $3
		WHERE message_id = $4 AND direction = 'out'`, state, r, db.Time(now), messageID)
	if err != nil {
		return fmt.Errorf("outbound: record delivery of %d: %w", messageID, err)
	}
	return nil
}

// noteRetry shows a temporary failure on a mail that stays queued.
func noteRetry(ctx context.Context, q db.Queryer, messageID int64, reason string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE email_messages SET delivery_error = $1, updated_at = $2
		WHERE message_id = $3 AND direction = 'out' AND delivery_state = 'queued'`, reason, db.Time(now), messageID)
	if err != nil {
		return fmt.Errorf("outbound: note retry of %d: %w", messageID, err)
	}
	return nil
}

// acksSince counts the acknowledgements queued to addr since a time.
func acksSince(ctx context.Context, q db.Queryer, addr string, since time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_acks WHERE to_addr = $1 AND created_at >= $2`,
		addr, db.Time(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("outbound: count acknowledgements to %s: %w", addr, err)
	}
	return n, nil
}

// insertAck records an acknowledgement of a ticket to addr; false when
// that ticket's acknowledgement to addr was recorded already.
func insertAck(ctx context.Context, q db.Queryer, ticketID int64, addr string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO email_acks (ticket_id, to_addr, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (ticket_id, to_addr) DO NOTHING`, ticketID, addr, db.Time(now))
	if err != nil {
		return false, fmt.Errorf("outbound: record acknowledgement of %d: %w", ticketID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("outbound: record acknowledgement of %d: %w", ticketID, err)
	}
	return n == 1, nil
}
