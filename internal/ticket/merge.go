package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// EventMerged is appended to both tickets of a merge.
const EventMerged = "ticket.merged"

// Merged is the outcome of a merge: the closed source and the target that
// now holds its messages.
type Merged struct {
	Source *Ticket `json:"source"`
	Target *Ticket `json:"target"`
	// MessageIDs are the messages that moved, oldest first.
	MessageIDs []int64 `json:"message_ids"`
}

// Merge moves every message of ticket id into ticket into, closes id with a
// merged_into link, and appends ticket.merged to both, in one transaction.
// Events stay on the ticket they happened to: the source's history still
// tells how its messages arrived, and their ids still find them.
//
// Merging into a closed ticket is refused. Since a merged ticket is closed,
// and closed is final, that also refuses merging into a ticket that was
// itself merged, and so no chain of merges can loop; lockLinks makes the
// check hold when two merges run at once (A into B and B into A: the second
// finds its target closed).
func (s *Service) Merge(ctx context.Context, id, into int64) (*Merged, error) {
	if into <= 0 {
		return nil, apperr.Invalid("into", "is required")
	}
	if into == id {
		return nil, apperr.Unprocessable("into", "a ticket cannot be merged into itself")
	}
	var out *Merged
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		if err := lockLinks(ctx, tx); err != nil {
			return err
		}
		source, target, err := lockMergePair(ctx, tx, id, into)
		if err != nil {
			return err
		}
		moved, err := moveMessages(ctx, tx, source.ID, target.ID)
		if err != nil {
			return err
		}
		if err := recountWaiting(ctx, tx, source.ID, target.ID); err != nil {
			return err
		}
		if err := s.closeMerged(ctx, tx, source, target, moved, now); err != nil {
			return err
		}
		target.UpdatedAt = now
		if err := saveTicket(ctx, tx, target); err != nil {
			return err
		}
		err = events.Append(ctx, tx, &events.Event{TicketID: target.ID, Type: EventMerged, At: now,
			Data: mergeData("from", source, target, moved)})
		if err != nil {
			return err
		}
		out = &Merged{Source: source, Target: target, MessageIDs: moved}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockMergePair locks and reads both tickets, in id order so that two
// merges of the same pair cannot deadlock, and checks they can merge.
func lockMergePair(ctx context.Context, tx *sql.Tx, id, into int64) (source, target *Ticket, err error) {
	for _, x := range []int64{min(id, into), max(id, into)} {
		err := lockTicket(ctx, tx, x)
		if apperr.Is(err, apperr.KindNotFound) && x == into {
			return nil, nil, apperr.Unprocessable("into", "no ticket has id %d", into)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if source, err = getTicket(ctx, tx, id); err != nil {
		return nil, nil, err
	}
	if target, err = getTicket(ctx, tx, into); err != nil {
		return nil, nil, err
	}
	if source.Status == "closed" {
		return nil, nil, apperr.Unprocessable("id", "ticket #%d is closed and cannot be merged", source.Number)
	}
	if target.Status == "closed" {
		return nil, nil, closedTargetError(ctx, tx, target)
	}
	return source, target, nil
}

// closedTargetError explains why a closed ticket cannot take a merge,
// pointing at where a merged ticket went.
func closedTargetError(ctx context.Context, q db.Queryer, target *Ticket) error {
	var number int64
	err := q.QueryRowContext(ctx, `SELECT t.number FROM ticket_links l JOIN tickets t ON t.id = l.other_id
		WHERE l.ticket_id = $1 AND l.kind = 'merged_into'`, target.ID).Scan(&number)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return apperr.Unprocessable("into", "ticket #%d is closed: merge into an open ticket", target.Number)
	case err != nil:
		return fmt.Errorf("ticket: find merge of %d: %w", target.ID, err)
	}
	return apperr.Unprocessable("into", "ticket #%d was merged into #%d: merge into that one", target.Number, number)
}

// moveMessages moves every message of ticket from to ticket to and returns
// their ids, oldest first.
func moveMessages(ctx context.Context, tx *sql.Tx, from, to int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE ticket_id = $1 ORDER BY id`, from)
	if err != nil {
		return nil, fmt.Errorf("ticket: messages of %d: %w", from, err)
	}
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ticket: scan message id: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket: messages of %d: %w", from, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET ticket_id = $1 WHERE ticket_id = $2`, to, from); err != nil {
		return nil, fmt.Errorf("ticket: move messages of %d: %w", from, err)
	}
	return ids, nil
}

// closeMerged closes the source of a merge, links it to the target and
// appends its events. Its solved_at is left alone: a merged ticket was not
// solved on its own, and reports should not count it so.
func (s *Service) closeMerged(ctx context.Context, tx *sql.Tx, source, target *Ticket, moved []int64, now time.Time) error {
	changes := []change{{"ticket.status_changed", "status", source.Status, "closed"}}
	if source.CustomStatus != nil {
		changes = append(changes, change{EventCustomStatusChanged, "custom_status", source.CustomStatus.key(), nil})
	}
	source.Status, source.CustomStatus, source.ClosedAt = "closed", nil, &now
	if err := s.save(ctx, tx, source, changes); err != nil {
		return err
	}
	if _, err := insertLink(ctx, tx, source.ID, target.ID, kindMergedInto, now); err != nil {
		return err
	}
	return events.Append(ctx, tx, &events.Event{TicketID: source.ID, Type: EventMerged, At: now,
		Data: mergeData("into", target, source, moved)})
}

// mergeData describes a merge as ticket self sees it: dir is "into" on the
// source and "from" on the target, and both requesters are recorded since
// they need not be the same person.
func mergeData(dir string, other, self *Ticket, moved []int64) map[string]any {
	return map[string]any{
		dir: other.ID, dir + "_number": other.Number,
		"requester_id": self.RequesterID, dir + "_requester_id": other.RequesterID,
		"message_ids": moved,
	}
}
