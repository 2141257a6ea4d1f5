-- Each agent's signature: plain text, written below their replies in the
-- mail the customer gets. Empty means none.

-- +goose Up
ALTER TABLE users ADD COLUMN signature TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN signature;
