-- Each user's time zone (an IANA name such as Europe/Oslo), in which pages
-- show them times; empty until they choose one or first sign in from a
-- browser that says, and until then the desk's zone (setting time_zone).

-- +goose Up
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN time_zone;
