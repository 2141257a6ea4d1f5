-- The event bus: durable consumers of the outbox, and idempotent requests
-- whose stored answer replays its headers too.
--
-- Event ids come from a sequence, and on PostgreSQL transactions do not
-- commit in id order: a cursor "last id seen" would skip an event whose
-- transaction took its id early and committed late. So each outbox row
-- records the id of the transaction that wrote it (txid), and a consumer
-- keeps a horizon (every row with txid below it is delivered: those
-- transactions had all ended when the horizon was taken, from
-- pg_snapshot_xmin) plus the set of rows at or above the horizon it has
-- already handled (event_deliveries). See internal/events/doc.go.

-- +goose Up
-- Rows already in the outbox were written by long-finished transactions: 0
-- says so without rewriting the table; new rows take their transaction's id.
ALTER TABLE outbox ADD COLUMN txid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ALTER COLUMN txid SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX outbox_txid ON outbox (txid);

-- event_consumers is one row per durable consumer: its progress, and the row
-- a node locks (FOR UPDATE SKIP LOCKED) to be the only one processing it.
CREATE TABLE event_consumers (
    name       TEXT PRIMARY KEY,
    horizon    BIGINT NOT NULL, -- every outbox row with txid < horizon is delivered
    updated_at TIMESTAMPTZ NOT NULL
);

-- event_deliveries holds the rows at or above a consumer's horizon that it
-- has handled; rows fall out as the horizon passes them.
CREATE TABLE event_deliveries (
    consumer  TEXT   NOT NULL REFERENCES event_consumers (name) ON DELETE CASCADE,
    outbox_id BIGINT NOT NULL,
    txid      BIGINT NOT NULL,
    PRIMARY KEY (consumer, outbox_id)
);

-- The headers the first answer set (Location, Content-Type), as JSON.
ALTER TABLE idempotency_keys ADD COLUMN response_headers TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN response_headers;
DROP TABLE event_deliveries;
DROP TABLE event_consumers;
DROP INDEX outbox_txid;
ALTER TABLE outbox DROP COLUMN txid;
