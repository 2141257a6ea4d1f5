-- The ticket core: customers and their identities, teams, tickets with their
-- tags and messages, the append-only event log with its outbox, the ticket
-- number counter, and the idempotency keys of API requests.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- An identity is how a customer reaches us; each one belongs to one customer,
-- which is what makes resolving a sender to a customer race-free.
CREATE TABLE customer_identities (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('email', 'phone', 'external')),
    value       TEXT    NOT NULL, -- email addresses stored lower-cased
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- counters hands out numbers that must be unique across nodes (ticket
-- numbers): UPDATE ... RETURNING locks the row until the transaction ends.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('ticket_number', 0);

CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
    number         INTEGER NOT NULL UNIQUE,
    subject        TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority       TEXT    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel        TEXT    NOT NULL CHECK (channel IN ('email', 'portal', 'api', 'chat', 'phone')),
    requester_id   INTEGER NOT NULL REFERENCES customers (id),
    assignee_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    team_id        INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    first_reply_at TEXT,
    solved_at      TEXT,
    closed_at      TEXT
);
-- Listings are ordered by (updated_at DESC, id DESC); each filter has an
-- index that ends in that order so a page is an index range scan.
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_status ON tickets (status, updated_at, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, updated_at, id);
CREATE INDEX tickets_team ON tickets (team_id, updated_at, id);
CREATE INDEX tickets_requester ON tickets (requester_id, updated_at, id);

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tag       TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('reply', 'note')),
    author_type TEXT    NOT NULL CHECK (author_type IN ('customer', 'agent', 'system')),
    author_id   INTEGER, -- a customer or a user, as author_type says
    body_text   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX messages_ticket ON messages (ticket_id, id);

-- events is append-only: every change to a ticket is one row.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    type       TEXT    NOT NULL,
    actor_type TEXT    NOT NULL CHECK (actor_type IN ('customer', 'agent', 'system')),
    actor_id   INTEGER,
    at         TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}' -- JSON, {"before": ..., "after": ...} for changes
);
CREATE INDEX events_ticket ON events (ticket_id, id);

-- outbox hands events to consumers after commit: a row here is written in
-- the same transaction as its event and removed once delivered.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL UNIQUE REFERENCES events (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
);

-- idempotency_keys remembers the first answer to a POST that carried an
-- Idempotency-Key, so a retry gets the same answer and changes nothing.
CREATE TABLE idempotency_keys (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0, -- the HTTP status; 0 while the first request runs
    response_body TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE outbox;
DROP TABLE events;
DROP TABLE messages;
DROP TABLE ticket_tags;
DROP TABLE tickets;
DROP TABLE counters;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE customer_identities;
DROP TABLE customers;
