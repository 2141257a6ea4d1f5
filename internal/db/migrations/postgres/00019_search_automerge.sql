-- SQLite tunes its full-text index's merging in this version; PostgreSQL's
-- GIN indexes need nothing. This keeps both schemas at the same version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
