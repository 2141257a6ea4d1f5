-- Full-text search over ticket subjects and message bodies (internal/search).
--
-- FTS5 external-content tables index the text where it already lives, and
-- triggers keep them in step inside the transaction of every write, so a
-- search sees a change the moment it commits. Only messages.body_text is
-- indexed: it is always the plain text, also of a message sent as HTML.
--
-- porter stems words, so "refunds" finds "refund"; the prefix indexes of 2
-- and 3 characters let a short prefix (bi*) read one list instead of merging
-- every word that starts with it; columnsize=0 skips the per-row sizes that
-- only bm25() reads, since search ranks without it (see internal/search).
-- A migration that rebuilds tickets or messages must recreate these triggers.

-- +goose Up
CREATE VIRTUAL TABLE tickets_fts USING fts5 (
    subject,
    content = 'tickets', content_rowid = 'id', columnsize = 0, prefix = '2 3',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body_text,
    content = 'messages', content_rowid = 'id', columnsize = 0, prefix = '2 3',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- An external-content index forgets a row by being told its old values, so
-- each trigger passes exactly what was indexed.
-- +goose StatementBegin
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, subject) VALUES (new.id, new.subject);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
-- +goose StatementEnd

-- Most updates of a ticket leave its subject alone; they cost nothing here.
-- +goose StatementBegin
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF id, subject ON tickets
WHEN old.id <> new.id OR old.subject <> new.subject BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    INSERT INTO tickets_fts (rowid, subject) VALUES (new.id, new.subject);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body_text) VALUES (new.id, new.body_text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body_text) VALUES ('delete', old.id, old.body_text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF id, body_text ON messages
WHEN old.id <> new.id OR old.body_text <> new.body_text BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body_text) VALUES ('delete', old.id, old.body_text);
    INSERT INTO messages_fts (rowid, body_text) VALUES (new.id, new.body_text);
END;
-- +goose StatementEnd

-- Index what is already there.
INSERT INTO tickets_fts (tickets_fts) VALUES ('rebuild');
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_insert;
DROP TRIGGER tickets_fts_update;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_insert;
DROP TABLE messages_fts;
DROP TABLE tickets_fts;
