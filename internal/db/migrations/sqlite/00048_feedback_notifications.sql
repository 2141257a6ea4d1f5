-- Feedback reaches people. Notifications learn the kind 'feedback': a customer's comment on a
-- ticket the recipient worked, written once per survey and agent (source
-- feedback:<survey id>). SQLite cannot alter a CHECK, so the table is
-- rebuilt as 00022 left it, with the new kind.

-- +goose Up
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback')),
    ticket_id    INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    event_id     INTEGER, -- the event that caused it; NULL for reminders
    created_at   TEXT    NOT NULL,
    read_at      TEXT,
    link         TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    source       TEXT,    -- e.g. coaching:12:follow_up, feedback:7
    UNIQUE (event_id, recipient_id),
    UNIQUE (source, recipient_id)
);
INSERT INTO notifications_new SELECT id, recipient_id, kind, ticket_id, actor_id, event_id, created_at, read_at,
    link, note, source FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;

-- The feedback wall: which customer comment a lead turned into a
-- recognition post (a badge award, which links the ticket and the value).
-- One per survey; withdrawing the award frees the comment again. Written
-- only by internal/wall.
CREATE TABLE wall_recognitions (
    survey_id     INTEGER PRIMARY KEY REFERENCES feedback_surveys (id) ON DELETE CASCADE,
    award_id      INTEGER NOT NULL UNIQUE REFERENCES badge_awards (id) ON DELETE CASCADE,
    recognized_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT    NOT NULL
);

-- +goose Down
DROP TABLE wall_recognitions;
DELETE FROM notifications WHERE kind = 'feedback';
CREATE TABLE notifications_old (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge')),
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
