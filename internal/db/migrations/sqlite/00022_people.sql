-- People: coaching sessions between a lead and an agent (linked to reviews,
-- tickets and values, with agreed actions and a follow-up that reminds
-- both), concerns raised in confidence to the leads, and the follow-up
-- reminders in notifications. Tier cut-offs and visibility live in the
-- settings table.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
CREATE TABLE coaching_sessions (
    id           INTEGER PRIMARY KEY,
    agent_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lead_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    notes        TEXT    NOT NULL DEFAULT '',
    follow_up_at TEXT,     -- when both are reminded; NULL for no follow-up
    reminded_at  TEXT,     -- set, once, when the reminder was written
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX coaching_sessions_agent ON coaching_sessions (agent_id, id);
CREATE INDEX coaching_sessions_due ON coaching_sessions (follow_up_at) WHERE reminded_at IS NULL;

-- A link points at exactly one review, ticket or value.
CREATE TABLE coaching_links (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES coaching_sessions (id) ON DELETE CASCADE,
    review_id  INTEGER REFERENCES reviews (id) ON DELETE CASCADE,
    ticket_id  INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    value_id   INTEGER REFERENCES team_values (id) ON DELETE CASCADE,
    CHECK ((review_id IS NOT NULL) + (ticket_id IS NOT NULL) + (value_id IS NOT NULL) = 1)
);
CREATE INDEX coaching_links_session ON coaching_links (session_id);

CREATE TABLE coaching_actions (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES coaching_sessions (id) ON DELETE CASCADE,
    body       TEXT    NOT NULL,
    done       BOOLEAN NOT NULL DEFAULT 0,
    done_at    TEXT,
    position   INTEGER NOT NULL
);
CREATE INDEX coaching_actions_session ON coaching_actions (session_id, position);

CREATE TABLE concerns (
    id         INTEGER PRIMARY KEY,
    raised_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    ticket_id  INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    value_id   INTEGER REFERENCES team_values (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('open', 'investigating', 'resolved', 'dismissed')),
    outcome    TEXT    NOT NULL DEFAULT '',
    handled_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    closed_at  TEXT
);
CREATE INDEX concerns_status ON concerns (status, id);
CREATE INDEX concerns_raised_by ON concerns (raised_by, id);

-- Notifications learn a kind that points at no ticket: a follow-up
-- reminder, with its link and a short note, and a source naming what it is
-- about so that it is written once per recipient. SQLite cannot alter a
-- CHECK or a NOT NULL, so the table is rebuilt.
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge')),
    ticket_id    INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    event_id     INTEGER, -- the event that caused it; NULL for reminders
    created_at   TEXT    NOT NULL,
    read_at      TEXT,
    link         TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    source       TEXT,    -- e.g. coaching:12:follow_up
    UNIQUE (event_id, recipient_id),
    UNIQUE (source, recipient_id)
);
INSERT INTO notifications_new (id, recipient_id, kind, ticket_id, actor_id, event_id, created_at, read_at)
    SELECT id, recipient_id, kind, ticket_id, actor_id, event_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;

-- +goose Down
DELETE FROM notifications WHERE kind IN ('follow_up', 'badge');
CREATE TABLE notifications_old (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned')),
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    event_id     INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    read_at      TEXT,
    UNIQUE (event_id, recipient_id)
);
INSERT INTO notifications_old SELECT id, recipient_id, kind, ticket_id, actor_id, event_id, created_at, read_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_old RENAME TO notifications;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;
DROP TABLE concerns;
DROP TABLE coaching_actions;
DROP TABLE coaching_links;
DROP TABLE coaching_sessions;
