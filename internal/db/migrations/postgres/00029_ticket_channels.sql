-- Tickets an agent opens from the workspace for a phone call or a visitor
-- at the desk: the channels walk_in and other join the tickets' CHECK.
-- 00002 declared the CHECK on the column without a name, so PostgreSQL
-- named it tickets_channel_check.

-- +goose Up
ALTER TABLE tickets DROP CONSTRAINT tickets_channel_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_channel_check
    CHECK (channel IN ('email', 'portal', 'api', 'chat', 'phone', 'walk_in', 'other'));

-- +goose Down
-- Walk-ins and others were phone-like conversations at the desk.
UPDATE tickets SET channel = 'phone' WHERE channel IN ('walk_in', 'other');
ALTER TABLE tickets DROP CONSTRAINT tickets_channel_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_channel_check
    CHECK (channel IN ('email', 'portal', 'api', 'chat', 'phone'));
