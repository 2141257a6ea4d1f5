package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// delivery is an outbox row with its event.
type delivery struct {
	outboxID int64
	txid     int64 // PostgreSQL: the writing transaction's id; SQLite: 0
	event    Event
}

// eventColumns are the columns scanEvent reads, from events aliased e.
const eventColumns = `e.id, e.ticket_id, e.type, e.actor_type, e.actor_id, e.at, e.data`

// pgBatchSQL reads, in one statement and so under one snapshot, the
// snapshot's xmin and the next visible outbox rows at or above a horizon that
// are not yet delivered, in id order. The LEFT JOIN keeps the xmin row when
// there are no rows. %s is the "not yet delivered" condition on o.id.
const pgBatchSQL = `
	WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
	SELECT snap.xmin, b.id, b.txid, b.event_id, b.ticket_id, b.type, b.actor_type, b.actor_id, b.at, b.data
	FROM snap LEFT JOIN LATERAL (
		SELECT o.id, o.txid, e.id AS event_id, e.ticket_id, e.type, e.actor_type, e.actor_id, e.at, e.data
		FROM outbox o JOIN events e ON e.id = o.event_id
		WHERE o.txid >= $1 AND %s
		ORDER BY o.id LIMIT $3
	) b ON true
	ORDER BY b.id`

var (
	// pgConsumerBatch excludes the rows in a durable consumer's delivered set.
	pgConsumerBatch = fmt.Sprintf(pgBatchSQL, `NOT EXISTS (
		SELECT 1 FROM event_deliveries d WHERE d.consumer = $2 AND d.outbox_id = o.id)`)
	// pgLiveBatch excludes the ids of a live feed's in-memory delivered set.
	pgLiveBatch = fmt.Sprintf(pgBatchSQL, `o.id <> ALL($2::bigint[])`)
)

// sqliteBatch reads the next outbox rows after a cursor.
const sqliteBatch = `
	SELECT o.id, ` + eventColumns + `
	FROM outbox o JOIN events e ON e.id = o.event_id
	WHERE o.id > $1 ORDER BY o.id LIMIT $2`

// readPG runs one of the pgBatch queries and returns the snapshot's xmin and
// the rows.
func readPG(ctx context.Context, q db.Queryer, query string, args ...any) (xmin int64, out []delivery, err error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("events: read outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, ok, err := scanPG(rows, &xmin)
		if err != nil {
			return 0, nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("events: read outbox: %w", err)
	}
	return xmin, out, nil
}

// readSQLite returns up to limit outbox rows after cursor.
func readSQLite(ctx context.Context, q db.Queryer, cursor int64, limit int) ([]delivery, error) {
	rows, err := q.QueryContext(ctx, sqliteBatch, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("events: read outbox: %w", err)
	}
	defer rows.Close()
	var out []delivery
	for rows.Next() {
		var (
			d    delivery
			data string
		)
		if err := rows.Scan(append([]any{&d.outboxID}, eventDest(&d.event, &data)...)...); err != nil {
			return nil, fmt.Errorf("events: scan outbox: %w", err)
		}
		if err := decodeData(&d.event, data); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events: read outbox: %w", err)
	}
	return out, nil
}

// eventDest returns scan destinations for eventColumns.
func eventDest(e *Event, data *string) []any {
	return []any{&e.ID, &e.TicketID, &e.Type, &e.ActorType, &e.ActorID, db.ScanTime(&e.At), data}
}

func decodeData(e *Event, data string) error {
	if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
		return fmt.Errorf("events: decode data of %d: %w", e.ID, err)
	}
	return nil
}

// scanPG scans a row of a pgBatch query. The columns after xmin are NULL
// on the row that only carries the snapshot, which reports ok false.
func scanPG(rows *sql.Rows, xmin *int64) (d delivery, ok bool, err error) {
	var (
		outboxID, txid, id, ticketID sql.NullInt64
		typ, actorType, data         sql.NullString
		at                           *time.Time
	)
	e := &d.event
	if err := rows.Scan(xmin, &outboxID, &txid, &id, &ticketID, &typ, &actorType, &e.ActorID,
		db.ScanNullTime(&at), &data); err != nil {
		return d, false, fmt.Errorf("events: scan outbox: %w", err)
	}
	if !outboxID.Valid || at == nil {
		return d, false, nil
	}
	d.outboxID, d.txid = outboxID.Int64, txid.Int64
	e.ID, e.TicketID, e.Type, e.ActorType, e.At = id.Int64, ticketID.Int64, typ.String, actorType.String, *at
	return d, true, decodeData(e, data.String)
}
