package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// DBDirectory finds mailboxes in the mailboxes table.
// TODO(lead): replace with an adapter over internal/mailbox (ByAddress)
// once that package exists; the columns read here (id, address, team_id)
// are the ones the mailbox migration was agreed to have.
type DBDirectory struct{ DB *db.DB }

// Lookup returns the mailbox with address addr.
func (d DBDirectory) Lookup(ctx context.Context, addr string) (*Mailbox, error) {
	b := &Mailbox{}
	err := d.DB.Reader(ctx).QueryRowContext(ctx, `SELECT id, address, team_id FROM mailboxes
		WHERE lower(address) = $1`, strings.ToLower(addr)).Scan(&b.ID, &b.Address, &b.TeamID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("mailbox")
	}
	if err != nil {
		return nil, fmt.Errorf("mail: look up mailbox %s: %w", addr, err)
	}
	b.Address = strings.ToLower(b.Address)
	return b, nil
}
