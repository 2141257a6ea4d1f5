-- Full-text search over ticket subjects and message bodies (internal/search).
--
-- Each table carries a tsvector of its text as a generated column with a GIN
-- index: PostgreSQL computes it in the same statement as every write, so a
-- search sees a change the moment it commits. Only messages.body_text is
-- indexed: it is always the plain text, also of a message sent as HTML.
-- The 'english' configuration stems words, so "refunds" finds "refund".
-- A body is indexed up to its first 100,000 characters: a tsvector holds at
-- most 1 MB, and a longer body (a pasted log) would otherwise fail to save.

-- +goose Up
ALTER TABLE tickets ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english', subject)) STORED;
CREATE INDEX tickets_search ON tickets USING GIN (search_vector);

ALTER TABLE messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english', left(body_text, 100000))) STORED;
CREATE INDEX messages_search ON messages USING GIN (search_vector);

-- +goose Down
DROP INDEX messages_search;
ALTER TABLE messages DROP COLUMN search_vector;
DROP INDEX tickets_search;
ALTER TABLE tickets DROP COLUMN search_vector;
