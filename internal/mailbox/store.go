package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const columns = `id, address, name, team_id, inbound_smtp,
	imap_host, imap_port, imap_security, imap_user, imap_password, imap_folder, imap_move_to,
	smtp_host, smtp_port, smtp_security, smtp_user, smtp_password,
	ack_enabled, ack_subject, ack_body, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (*Mailbox, error) {
	var m Mailbox
	err := row.Scan(&m.ID, &m.Address, &m.Name, &m.TeamID, &m.InboundSMTP,
		&m.IMAPHost, &m.IMAPPort, &m.IMAPSecurity, &m.IMAPUser, &m.imapSealed, &m.IMAPFolder, &m.IMAPMoveTo,
		&m.SMTPHost, &m.SMTPPort, &m.SMTPSecurity, &m.SMTPUser, &m.smtpSealed,
		&m.AckEnabled, &m.AckSubject, &m.AckBody, db.ScanTime(&m.CreatedAt), db.ScanTime(&m.UpdatedAt))
	if err != nil {
		return nil, err
	}
	m.HasIMAPPassword, m.HasSMTPPassword = m.imapSealed != "", m.smtpSealed != ""
	return &m, nil
}

// one returns the mailbox a query finds, or NotFound.
func one(ctx context.Context, q db.Queryer, what, where string, arg any) (*Mailbox, error) {
	m, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM mailboxes WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("mailbox")
	}
	if err != nil {
		return nil, fmt.Errorf("mailbox: get %s: %w", what, err)
	}
	return m, nil
}

func getByID(ctx context.Context, q db.Queryer, id int64) (*Mailbox, error) {
	return one(ctx, q, fmt.Sprint(id), `id = $1`, id)
}

func getByAddress(ctx context.Context, q db.Queryer, addr string) (*Mailbox, error) {
	return one(ctx, q, addr, `address = $1`, addr)
}

func list(ctx context.Context, q db.Queryer) ([]*Mailbox, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM mailboxes ORDER BY address`)
	if err != nil {
		return nil, fmt.Errorf("mailbox: list: %w", err)
	}
	defer rows.Close()
	out := []*Mailbox{}
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("mailbox: scan: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mailbox: list: %w", err)
	}
	return out, nil
}

func insert(ctx context.Context, q db.Queryer, m *Mailbox) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO mailboxes (address, name, team_id, inbound_smtp,
			imap_host, imap_port, imap_security, imap_user, imap_password, imap_folder, imap_move_to,
			smtp_host, smtp_port, smtp_security, smtp_user, smtp_password,
			ack_enabled, ack_subject, ack_body, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING id`,
		m.Address, m.Name, m.TeamID, m.InboundSMTP,
		m.IMAPHost, m.IMAPPort, m.IMAPSecurity, m.IMAPUser, m.imapSealed, m.IMAPFolder, m.IMAPMoveTo,
		m.SMTPHost, m.SMTPPort, m.SMTPSecurity, m.SMTPUser, m.smtpSealed,
		m.AckEnabled, m.AckSubject, m.AckBody, db.Time(m.CreatedAt), db.Time(m.UpdatedAt)).Scan(&m.ID)
	return storeError(err, "insert "+m.Address)
}

func save(ctx context.Context, q db.Queryer, m *Mailbox) error {
	_, err := q.ExecContext(ctx, `
		UPDATE mailboxes SET address = $1, name = $2, team_id = $3, inbound_smtp = $4,
			imap_host = $5, imap_port = $6, imap_security = $7, imap_user = $8, imap_password = $9,
			imap_folder = $10, imap_move_to = $11,
			smtp_host = $12, smtp_port = $13, smtp_security = $14, smtp_user = $15, smtp_password = $16,
			ack_enabled = $17, ack_subject = $18, ack_body = $19, updated_at = $20
		WHERE id = $21`,
		m.Address, m.Name, m.TeamID, m.InboundSMTP,
		m.IMAPHost, m.IMAPPort, m.IMAPSecurity, m.IMAPUser, m.imapSealed, m.IMAPFolder, m.IMAPMoveTo,
		m.SMTPHost, m.SMTPPort, m.SMTPSecurity, m.SMTPUser, m.smtpSealed,
		m.AckEnabled, m.AckSubject, m.AckBody, db.Time(m.UpdatedAt), m.ID)
	return storeError(err, fmt.Sprint("update ", m.ID))
}

// storeError turns the constraint failures a person can fix into apperr
// errors naming the field.
func storeError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case db.IsUniqueViolation(err):
		return apperr.Conflict("address", "another mailbox has this address")
	case db.IsForeignKeyViolation(err):
		return apperr.Invalid("team_id", "no such team")
	}
	return fmt.Errorf("mailbox: %s: %w", what, err)
}

func remove(ctx context.Context, q db.Queryer, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM mailboxes WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("mailbox: delete %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("mailbox: delete %d: %w", id, err)
		}
		return apperr.NotFound("mailbox")
	}
	return nil
}

// onlyOne returns the single mailbox when exactly one is configured.
func onlyOne(ctx context.Context, q db.Queryer) (*Mailbox, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM mailboxes ORDER BY id LIMIT 2`)
	if err != nil {
		return nil, fmt.Errorf("mailbox: default: %w", err)
	}
	defer rows.Close()
	var found []*Mailbox
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("mailbox: scan: %w", err)
		}
		found = append(found, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mailbox: default: %w", err)
	}
	if len(found) != 1 {
		return nil, apperr.NotFound("mailbox")
	}
	return found[0], nil
}
