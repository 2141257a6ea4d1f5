package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Actor types: who caused an event.
const (
	ActorCustomer = "customer"
	ActorAgent    = "agent"
	ActorSystem   = "system"
)

// Event is one thing that happened to a ticket.
type Event struct {
	ID        int64          `json:"id"`
	TicketID  int64          `json:"ticket_id"`
	Type      string         `json:"type"`
	ActorType string         `json:"actor_type"`
	ActorID   *int64         `json:"actor_id"`
	At        time.Time      `json:"at"`
	Data      map[string]any `json:"data"`
}

// Change is the data of an event that changed one field.
func Change(field string, before, after any) map[string]any {
	return map[string]any{"field": field, "before": before, "after": after}
}

// ActorFrom returns who the changes made under ctx are attributed to: the
// signed-in user as an agent, or the system.
func ActorFrom(ctx context.Context) (actorType string, actorID *int64) {
	a := audit.ActorFrom(ctx)
	if a.UserID == 0 {
		return ActorSystem, nil
	}
	id := a.UserID
	return ActorAgent, &id
}

// Append writes e and its outbox row in the caller's transaction, so an
// event is delivered if and only if the change it describes committed. A
// zero At becomes now; an empty ActorType becomes the actor in ctx.
func Append(ctx context.Context, q db.Queryer, e *Event) error {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	if e.ActorType == "" {
		e.ActorType, e.ActorID = ActorFrom(ctx)
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return fmt.Errorf("events: encode %s data: %w", e.Type, err)
	}
	err = q.QueryRowContext(ctx, `
		INSERT INTO events (ticket_id, type, actor_type, actor_id, at, data)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.TicketID, e.Type, e.ActorType, e.ActorID, db.Time(e.At), string(data)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("events: append %s to ticket %d: %w", e.Type, e.TicketID, err)
	}
	// The outbox row's time is when it was written, not when the event
	// happened (an import may append old events): cleanup keeps rows for a
	// while after they were written, for nodes' live feeds.
	_, err = q.ExecContext(ctx, `INSERT INTO outbox (event_id, created_at) VALUES ($1, $2)`,
		e.ID, db.Time(db.Now()))
	if err != nil {
		return fmt.Errorf("events: outbox %d: %w", e.ID, err)
	}
	return nil
}

// List returns a ticket's events, oldest first.
func List(ctx context.Context, q db.Queryer, ticketID int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, ticket_id, type, actor_type, actor_id, at, data
		FROM events WHERE ticket_id = $1 ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("events: list ticket %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e    Event
			data string
		)
		if err := rows.Scan(eventDest(&e, &data)...); err != nil {
			return nil, fmt.Errorf("events: scan: %w", err)
		}
		if err := decodeData(&e, data); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
