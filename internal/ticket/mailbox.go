package ticket

import (
	"context"
	"database/sql"
	"fmt"
)

// SetMailbox records the mailbox a ticket's mail came in by, so replies go
// out from it. Mail intake calls it in the transaction that stores the mail;
// it is bookkeeping of the channel, so it leaves updated_at and the history
// alone.
func SetMailbox(ctx context.Context, tx *sql.Tx, id, mailboxID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET mailbox_id = $1 WHERE id = $2`, mailboxID, id); err != nil {
		return fmt.Errorf("ticket: set mailbox of %d: %w", id, err)
	}
	return nil
}
