-- Sessions are stored under the SHA-256 of their cookie's token, as API
-- tokens are, so whoever reads the database (a backup, a replica, a leaked
-- dump) cannot sign in as anyone. Existing sessions were stored under the
-- token itself: they are removed, and everyone signs in again.

-- +goose Up
DELETE FROM sessions;
ALTER TABLE sessions RENAME COLUMN token TO token_hash;

-- +goose Down
DELETE FROM sessions;
ALTER TABLE sessions RENAME COLUMN token_hash TO token;
