-- Tickets an agent opens from the workspace for a phone call or a visitor
-- at the desk: the channels walk_in and other join the tickets' CHECK.
--
-- SQLite cannot change a CHECK constraint. Rebuilding tickets (as 00020
-- does for users) would have to restate every column, index and trigger of
-- the most referenced table, and would silently drop a column that another
-- migration adds. Widening a CHECK cannot make a stored row invalid, so the
-- CHECK is edited in place instead, as
-- https://www.sqlite.org/lang_altertable.html#otheralter allows for
-- constraints that relax: the table's SQL text is changed in sqlite_schema,
-- "writable_schema = RESET" makes this connection parse the schema again,
-- and a table made and dropped bumps the schema cookie, so that every other
-- connection parses it again too. The guard fails the migration (and
-- nothing is committed) if the text was not found.

-- +goose Up
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (channel IN (''email'', ''portal'', ''api'', ''chat'', ''phone''))',
                          'CHECK (channel IN (''email'', ''portal'', ''api'', ''chat'', ''phone'', ''walk_in'', ''other''))')
 WHERE type = 'table' AND name = 'tickets';
PRAGMA writable_schema = RESET;
CREATE TABLE channels_guard (widened INTEGER NOT NULL CHECK (widened = 1));
INSERT INTO channels_guard SELECT COUNT(*) FROM sqlite_schema
 WHERE type = 'table' AND name = 'tickets' AND sql LIKE '%''walk_in'', ''other''))%';
DROP TABLE channels_guard;

-- +goose Down
-- Walk-ins and others were phone-like conversations at the desk.
UPDATE tickets SET channel = 'phone' WHERE channel IN ('walk_in', 'other');
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (channel IN (''email'', ''portal'', ''api'', ''chat'', ''phone'', ''walk_in'', ''other''))',
                          'CHECK (channel IN (''email'', ''portal'', ''api'', ''chat'', ''phone''))')
 WHERE type = 'table' AND name = 'tickets';
PRAGMA writable_schema = RESET;
CREATE TABLE channels_guard (x INTEGER);
DROP TABLE channels_guard;
