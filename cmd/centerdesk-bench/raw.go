package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/db"
)

// createRaw is the database's ceiling for what create does: the same rows a
// ticket's creation writes (the requester looked up by email, or added; the
// ticket with its number, its tag, the created and message-added events with
// their outbox rows, the first message), one transaction per ticket, written
// straight through database/sql on the in-process server's write pool, with
// no HTTP, JSON, validation or service code in between. create divided by
// create-raw, measured in the same run, is what the layers above the
// database keep of it.
func createRaw(ctx context.Context, c *client, r *rand.Rand) error {
	if c.direct == nil {
		return errors.New("create-raw writes to the in-process server's database: leave out --url")
	}
	n := r.IntN(20000)
	t := rawTicket{
		subject: fmt.Sprintf("Bench ticket %d: my invoice shows the wrong amount", n),
		body:    "Hello, I was charged twice for my subscription this month. Could you refund one of them?",
		email:   "bench" + strconv.Itoa(n) + "@customers.bench.test",
		name:    "Bench Customer",
		tag:     "billing",
	}
	tx, err := c.direct.Write().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := t.write(ctx, tx, c.direct.Dialect()); err != nil {
		return err
	}
	return tx.Commit()
}

// rawTicket is what createTicket sends, as the rows it becomes.
type rawTicket struct {
	subject, body, email, name, tag string
}

func (t rawTicket) write(ctx context.Context, tx *sql.Tx, dialect db.Dialect) error {
	now := db.Time(db.Now())
	customerID, err := rawCustomer(ctx, tx, t.email, t.name, now)
	if err != nil {
		return err
	}
	numberQuery := `UPDATE counters SET value = value + 1 WHERE name = 'ticket_number' RETURNING value`
	if dialect == db.Postgres {
		numberQuery = `SELECT nextval('ticket_number_seq')`
	}
	var number, ticketID, messageID int64
	if err := tx.QueryRowContext(ctx, numberQuery).Scan(&number); err != nil {
		return fmt.Errorf("number: %w", err)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO tickets (number, subject, status, priority, channel, requester_id,
		assignee_id, team_id, created_at, updated_at) VALUES ($1, $2, 'new', 'normal', 'api', $3, NULL, NULL, $4, $4)
		RETURNING id`, number, t.subject, customerID, now).Scan(&ticketID)
	if err != nil {
		return fmt.Errorf("ticket: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)`, ticketID, t.tag); err != nil {
		return fmt.Errorf("tag: %w", err)
	}
	created, _ := json.Marshal(map[string]any{"number": number, "subject": t.subject, "status": "new",
		"priority": "normal", "channel": "api", "requester_id": customerID, "tags": []string{t.tag},
		"custom_fields": map[string]any{}})
	if err := rawEvent(ctx, tx, ticketID, "ticket.created", customerID, now, created); err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO messages (ticket_id, kind, author_type, author_id, body_text,
		body_html, created_at) VALUES ($1, 'reply', 'customer', $2, $3, NULL, $4) RETURNING id`,
		ticketID, customerID, t.body, now).Scan(&messageID)
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	added, _ := json.Marshal(map[string]any{"message_id": messageID, "kind": "reply", "attachments": 0})
	return rawEvent(ctx, tx, ticketID, "message.added", customerID, now, added)
}

// rawCustomer finds the requester by email address, taking its row lock as
// the service does, or adds them.
func rawCustomer(ctx context.Context, tx *sql.Tx, email, name string, now any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE customer_identities SET customer_id = customer_id
		WHERE kind = 'email' AND value = $1 RETURNING customer_id`, email).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, created_at, updated_at) VALUES ($1, $2, $2)
		RETURNING id`, name, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("customer: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO customer_identities (customer_id, kind, value, created_at)
		VALUES ($1, 'email', $2, $3)`, id, email, now)
	return id, err
}

func rawEvent(ctx context.Context, tx *sql.Tx, ticketID int64, typ string, actorID int64, at any, data []byte) error {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO events (ticket_id, type, actor_type, actor_id, at, data)
		VALUES ($1, $2, 'customer', $3, $4, $5) RETURNING id`, ticketID, typ, actorID, at, string(data)).Scan(&id)
	if err != nil {
		return fmt.Errorf("event: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (event_id, created_at) VALUES ($1, $2)`, id, at); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

// printRatio says what share of the raw ceiling creation through the API
// reached, when both ran.
func printRatio(w io.Writer, results []result) {
	var api, raw float64
	for _, r := range results {
		switch r.Op {
		case "create":
			api = r.PerSecond
		case "create-raw":
			raw = r.PerSecond
		}
	}
	if api > 0 && raw > 0 {
		fmt.Fprintf(w, "create / create-raw: %.2f (%.0f / %.0f tickets/s)\n", api/raw, api, raw)
	}
}
