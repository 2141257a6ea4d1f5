package ticket

import (
	"context"
	"database/sql"
)

// Lock takes the ticket's row lock in tx, for the ticket domain's own
// sub-packages (customerdata) that change a ticket's rows in their caller's
// transaction and must not race a concurrent change of the same ticket.
func Lock(ctx context.Context, tx *sql.Tx, id int64) error { return lockTicket(ctx, tx, id) }
