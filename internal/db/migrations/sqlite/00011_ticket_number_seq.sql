-- PostgreSQL moves ticket numbers to a sequence in this version; SQLite has
-- one writer and keeps the counters row. This keeps both schemas at the
-- same version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
