-- The event bus: durable consumers of the outbox, and idempotent requests
-- whose stored answer replays its headers too.
--
-- SQLite has one writer at a time, so outbox ids commit in id order and a
-- consumer's progress is just the last outbox id it handled. That needs ids
-- that are never reused, even once delivered rows are deleted, hence
-- AUTOINCREMENT (a plain INTEGER PRIMARY KEY reuses the highest id after it
-- is deleted). PostgreSQL needs more; see its 00007_bus.sql and
-- internal/events/doc.go.

-- +goose Up
CREATE TABLE outbox_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   INTEGER NOT NULL UNIQUE REFERENCES events (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
);
INSERT INTO outbox_new (id, event_id, created_at) SELECT id, event_id, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

-- event_consumers is one row per durable consumer and its progress.
CREATE TABLE event_consumers (
    name       TEXT PRIMARY KEY,
    horizon    INTEGER NOT NULL, -- the last outbox id delivered
    updated_at TEXT    NOT NULL
);

-- The headers the first answer set (Location, Content-Type), as JSON.
ALTER TABLE idempotency_keys ADD COLUMN response_headers TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN response_headers;
DROP TABLE event_consumers;
