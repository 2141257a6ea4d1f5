package notify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// ConsumerName keys the consumer's progress in event_consumers.
const ConsumerName = "notify"

// Consumer returns the durable event consumer that writes notifications:
// every event is looked at exactly once, inside the transaction that records
// the consumer's progress, so a notification is written once or not at all.
func (s *Service) Consumer() events.Consumer {
	return events.Consumer{Name: ConsumerName, Handle: s.handle}
}

func (s *Service) handle(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
	var people []person // loaded at the first note that mentions anyone
	for i := range batch {
		e := &batch[i]
		switch e.Type {
		case "ticket.assignee_changed":
			if err := notifyAssigned(ctx, tx, e); err != nil {
				return err
			}
		case "message.added":
			if err := notifyMentioned(ctx, tx, e, &people); err != nil {
				return err
			}
		case EventFeedbackAnswered:
			if err := notifyFeedback(ctx, tx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// notifyAssigned tells the new assignee, unless they took the ticket
// themselves.
func notifyAssigned(ctx context.Context, tx *sql.Tx, e *events.Event) error {
	to, ok := idOf(e.Data["after"])
	if !ok || isActor(e, to) {
		return nil
	}
	return create(ctx, tx, e, to, KindAssigned)
}

// notifyMentioned tells every agent an internal note mentions, except its
// author. Public replies mention nobody: they are written to the customer.
func notifyMentioned(ctx context.Context, tx *sql.Tx, e *events.Event, people *[]person) error {
	if kind, _ := e.Data["kind"].(string); kind != "note" {
		return nil
	}
	msgID, ok := idOf(e.Data["message_id"])
	if !ok {
		return nil
	}
	var body string
	err := tx.QueryRowContext(ctx, `SELECT body_text FROM messages WHERE id = $1`, msgID).Scan(&body)
	if err == sql.ErrNoRows {
		return nil // moved or removed since; nothing to point at
	}
	if err != nil {
		return fmt.Errorf("notify: read message %d: %w", msgID, err)
	}
	ms := Mentions(body)
	if len(ms) == 0 {
		return nil
	}
	if *people == nil {
		if *people, err = activePeople(ctx, tx); err != nil {
			return err
		}
	}
	for _, id := range resolve(ms, *people) {
		if isActor(e, id) {
			continue
		}
		if err := create(ctx, tx, e, id, KindMentioned); err != nil {
			return err
		}
	}
	return nil
}

// create writes one notification and its event. A notification already
// written for this event and recipient (the unique key) is left alone.
func create(ctx context.Context, tx *sql.Tx, e *events.Event, to int64, kind string) error {
	var actor *int64
	if e.ActorType == events.ActorAgent {
		actor = e.ActorID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO notifications (recipient_id, kind, ticket_id, actor_id, event_id, created_at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL)
		ON CONFLICT (event_id, recipient_id) DO NOTHING RETURNING id`,
		to, kind, e.TicketID, actor, e.ID, db.Time(db.Now())).Scan(&id)
	if err == sql.ErrNoRows {
		return nil // no such active user, or already told
	}
	if err != nil {
		return fmt.Errorf("notify: create for %d on event %d: %w", to, e.ID, err)
	}
	return events.Append(ctx, tx, &events.Event{TicketID: e.TicketID, Type: EventCreated,
		ActorType: e.ActorType, ActorID: e.ActorID,
		Data: map[string]any{"notification_id": id, "recipient_id": to, "kind": kind}})
}

func isActor(e *events.Event, id int64) bool {
	return e.ActorType == events.ActorAgent && e.ActorID != nil && *e.ActorID == id
}

// idOf reads an id from event data, which JSON decoded as a float64.
func idOf(v any) (int64, bool) {
	f, ok := v.(float64)
	if !ok || f <= 0 {
		return 0, false
	}
	return int64(f), true
}

// person is an agent who can be mentioned.
type person struct {
	id     int64
	handle string // the part of the email address before @
	name   string
}

func activePeople(ctx context.Context, tx *sql.Tx) ([]person, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, email, name FROM users WHERE disabled_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("notify: list users: %w", err)
	}
	defer rows.Close()
	out := []person{}
	for rows.Next() {
		var (
			p     person
			email string
		)
		if err := rows.Scan(&p.id, &email, &p.name); err != nil {
			return nil, fmt.Errorf("notify: scan user: %w", err)
		}
		p.handle, _, _ = strings.Cut(email, "@")
		out = append(out, p)
	}
	return out, rows.Err()
}

// resolve maps mentions to user ids, each once, in the order mentioned: a
// handle matches the part of a user's email address before the @, a quoted
// mention a user's full name, both without regard to case.
func resolve(ms []Mention, people []person) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, m := range ms {
		for _, p := range people {
			match := strings.EqualFold(p.handle, m.Text)
			if m.Quoted {
				match = strings.EqualFold(strings.TrimSpace(p.name), m.Text)
			}
			if match && !seen[p.id] {
				seen[p.id] = true
				out = append(out, p.id)
			}
		}
	}
	return out
}
