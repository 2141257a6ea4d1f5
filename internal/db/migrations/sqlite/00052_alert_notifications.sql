-- Alerts reach people in the app. Notifications learn the kind 'alert': a
-- rule that started or stopped firing, written once per change of state and
-- recipient (source alert:<history id>). SQLite cannot alter a CHECK, so the
-- table is rebuilt as 00048 left it, with the new kind.

-- +goose Up
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback', 'alert')),
    ticket_id    INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    event_id     INTEGER, -- the event that caused it; NULL for reminders
    created_at   TEXT    NOT NULL,
    read_at      TEXT,
    link         TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    source       TEXT,    -- e.g. coaching:12:follow_up, feedback:7, alert:3
    UNIQUE (event_id, recipient_id),
    UNIQUE (source, recipient_id)
);
INSERT INTO notifications_new SELECT id, recipient_id, kind, ticket_id, actor_id, event_id, created_at, read_at,
    link, note, source FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;

-- +goose Down
DELETE FROM notifications WHERE kind = 'alert';
CREATE TABLE notifications_old (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback')),
    ticket_id    INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    event_id     INTEGER,
    created_at   TEXT    NOT NULL,
    read_at      TEXT,
    link         TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    source       TEXT,
    UNIQUE (event_id, recipient_id),
    UNIQUE (source, recipient_id)
);
INSERT INTO notifications_old SELECT id, recipient_id, kind, ticket_id, actor_id, event_id, created_at, read_at,
    link, note, source FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_old RENAME TO notifications;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;
