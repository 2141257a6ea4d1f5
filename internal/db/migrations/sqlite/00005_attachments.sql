-- Message bodies in sanitised HTML beside their plain text, and attachments.
-- An attachment's bytes live on disk, content-addressed under the data
-- directory (attachments/ab/cd/<sha256>); blobs has one row per stored file,
-- so the same content is stored once and the collector knows which files no
-- attachment uses any more.

-- +goose Up
ALTER TABLE messages ADD COLUMN body_html TEXT; -- NULL when the author sent plain text only

CREATE TABLE blobs (
    sha256     TEXT    PRIMARY KEY, -- lower-case hex
    size       INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER REFERENCES messages (id) ON DELETE CASCADE, -- NULL until attached
    uploaded_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,   -- NULL when the system stored it
    sha256       TEXT    NOT NULL REFERENCES blobs (sha256),
    size         INTEGER NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL, -- the type it is served with, decided on upload
    created_at   TEXT    NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;

-- +goose Down
DROP TABLE attachments;
DROP TABLE blobs;
ALTER TABLE messages DROP COLUMN body_html;
