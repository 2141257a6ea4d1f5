package events

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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
	return AppendAll(ctx, q, e)
}

// AppendAll is Append for several events of one change, in two statements
// whatever their number (one multi-row INSERT for the events, one for their
// outbox rows): on PostgreSQL each statement is a round trip. The events get
// ids in the order given, as separate Appends would give them.
func AppendAll(ctx context.Context, q db.Queryer, es ...*Event) error {
	if len(es) == 0 {
		return nil
	}
	values := make([]string, len(es))
	args := make([]any, 0, 6*len(es))
	for i, e := range es {
		data, err := e.prepare(ctx)
		if err != nil {
			return err
		}
		n := len(args)
		values[i] = fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
		args = append(args, e.TicketID, e.Type, e.ActorType, e.ActorID, db.Time(e.At), data)
	}
	ids, err := insertedIDs(ctx, q, `INSERT INTO events (ticket_id, type, actor_type, actor_id, at, data)
		VALUES `+strings.Join(values, ", ")+` RETURNING id`, args...)
	if err != nil {
		return fmt.Errorf("events: append %s to ticket %d: %w", es[0].Type, es[0].TicketID, err)
	}
	if len(ids) != len(es) {
		return fmt.Errorf("events: append to ticket %d: %d ids for %d events", es[0].TicketID, len(ids), len(es))
	}
	// A multi-row INSERT takes ids in the order of its rows on both
	// databases, but RETURNING promises no order: sorted, they pair up.
	slices.Sort(ids)
	// The outbox row's time is when it was written, not when the event
	// happened (an import may append old events): cleanup keeps rows for a
	// while after they were written, for nodes' live feeds.
	now := db.Time(db.Now())
	args = args[:0]
	for i, e := range es {
		e.ID = ids[i]
		values[i] = fmt.Sprintf("($%d, $%d)", 2*i+1, 2*i+2)
		args = append(args, e.ID, now)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO outbox (event_id, created_at) VALUES `+
		strings.Join(values, ", "), args...); err != nil {
		return fmt.Errorf("events: outbox of ticket %d: %w", es[0].TicketID, err)
	}
	return nil
}

// prepare fills e's defaults and returns its data as JSON.
func (e *Event) prepare(ctx context.Context) (string, error) {
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
		return "", fmt.Errorf("events: encode %s data: %w", e.Type, err)
	}
	return string(data), nil
}

// insertedIDs runs an INSERT ... RETURNING id and collects the ids.
func insertedIDs(ctx context.Context, q db.Queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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
