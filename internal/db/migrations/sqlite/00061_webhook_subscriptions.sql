-- Webhook subscriptions to ticket events (internal/hooksub): each event a
-- subscription asks for (events, a JSON list of event types) and whose
-- ticket passes its filter (a JSON object) is posted to url, signed with
-- secret (sealed with the instance's key). failures counts failed attempts
-- in a row; at pause_after the subscription is paused (active false,
-- paused_reason). Written only by internal/hooksub.

-- +goose Up
CREATE TABLE webhook_subscriptions (
    id            INTEGER PRIMARY KEY,
    url           TEXT    NOT NULL,
    secret        TEXT    NOT NULL,
    events        TEXT    NOT NULL DEFAULT '[]',
    filter        TEXT    NOT NULL DEFAULT '{}',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    paused_reason TEXT    NOT NULL DEFAULT '',
    pause_after   INTEGER NOT NULL DEFAULT 10 CHECK (pause_after > 0),
    failures      INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- One row per delivery of an event to a subscription: the body as posted
-- (the same at every attempt), and how the last attempt went. An event is
-- delivered once per subscription (the unique index), however often the
-- consumer reads it; a manual redelivery is a new row that points at the
-- one it repeats.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    redelivery_of   INTEGER REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    response_code   INTEGER,
    error           TEXT    NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    attempted_at    TEXT,
    delivered_at    TEXT
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (subscription_id, event_id) WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
