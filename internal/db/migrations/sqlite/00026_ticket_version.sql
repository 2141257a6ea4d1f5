-- Every change to a ticket increments its version, so a client that read
-- one version can ask to change only that one (HTTP If-Match) and a stale
-- form never silently overwrites a colleague's change.

-- +goose Up
ALTER TABLE tickets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE tickets DROP COLUMN version;
