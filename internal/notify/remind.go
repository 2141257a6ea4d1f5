package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Reminder is a notification about something that is not a ticket: a
// coaching follow-up that is due, say. Source names what it is about
// ("coaching:12:follow_up"); one reminder is written per source and
// recipient, however often Remind is called.
type Reminder struct {
	Kind        string // KindFollowUp (when empty) or KindBadge
	RecipientID int64
	ActorID     *int64 // who the reminder is on behalf of, if anyone
	Source      string
	Link        string // the page it leads to, a path such as /coaching/12
	Note        string // the sentence the bell shows
}

// Remind writes r in tx, the caller's transaction, so that the reminder
// and the caller's record that it was sent commit together. It reports
// whether a new notification was written: false when the recipient is not
// an active user or was already reminded of r.Source.
//
// Reminders carry no ticket, so no event announces them to live pages: the
// bell counts them at the next page load.
func Remind(ctx context.Context, tx *sql.Tx, r Reminder) (bool, error) {
	if r.Source == "" || r.Link == "" {
		return false, fmt.Errorf("notify: a reminder needs a source and a link")
	}
	kind := r.Kind
	if kind == "" {
		kind = KindFollowUp
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO notifications (recipient_id, kind, actor_id, created_at, link, note, source)
		SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL)
		ON CONFLICT (source, recipient_id) DO NOTHING RETURNING id`,
		r.RecipientID, kind, r.ActorID, db.Time(db.Now()), r.Link, r.Note, r.Source).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("notify: remind %d of %s: %w", r.RecipientID, r.Source, err)
	}
	return true, nil
}
