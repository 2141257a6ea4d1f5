package mail

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// QuoteStarts returns, for the messages of a ticket that came in by mail
// with quoted history in their plain text, the byte offset where that
// history starts (see quoteStart), so the view can fold it away.
func QuoteStarts(ctx context.Context, q db.Queryer, ticketID int64) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT e.message_id, e.quote_start FROM email_messages e JOIN messages m ON m.id = e.message_id
		WHERE m.ticket_id = $1 AND e.direction = 'in' AND e.quote_start IS NOT NULL`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("mail: quote starts of ticket %d: %w", ticketID, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var start int
		if err := rows.Scan(&id, &start); err != nil {
			return nil, fmt.Errorf("mail: scan quote start: %w", err)
		}
		out[id] = start
	}
	return out, rows.Err()
}
