-- Notifications tell an agent that a ticket was assigned to them or that
-- they were mentioned in an internal note. A durable event consumer writes
-- them (internal/notify), once per causing event and recipient.

-- +goose Up
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('assigned', 'mentioned')),
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    event_id     INTEGER NOT NULL, -- the event that caused it
    created_at   TEXT    NOT NULL,
    read_at      TEXT,
    UNIQUE (event_id, recipient_id)
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
