-- Team leads: agents who also run the quality programme (the philosophy,
-- scorecards, review queues, disputes), without administering the desk.
--
-- SQLite cannot change a CHECK constraint, so the users table is rebuilt
-- the way https://www.sqlite.org/lang_altertable.html#otheralter documents:
-- foreign keys off (which SQLite allows only outside a transaction, hence
-- NO TRANSACTION and our own BEGIN/COMMIT; goose runs a file on one
-- connection, and the writer pool has only one), create the new table,
-- copy, drop the old, rename the new one into its place, check every
-- reference, commit, foreign keys back on. The order matters: renaming the
-- NEW table to "users" leaves the REFERENCES users clauses of the other
-- tables pointing at it, where renaming the old one away first would drag
-- those clauses along to the old name. users has no other index (its
-- UNIQUE email comes with the table), no trigger and no view.
--
-- If the reference check finds a dangling row, the insert into fk_guard
-- fails its CHECK, the migration stops with an error, and the server
-- refuses to start: nothing is committed.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE, -- stored lower-cased
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'lead', 'agent')),
    password_hash  TEXT    NOT NULL DEFAULT '',
    totp_secret    TEXT    NOT NULL DEFAULT '', -- sealed with the secret key
    totp_enabled   BOOLEAN NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    session_epoch  INTEGER NOT NULL DEFAULT 0,
    disabled_at    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
INSERT INTO users_new (id, email, name, role, password_hash, totp_secret, totp_enabled, totp_last_step,
    session_epoch, disabled_at, created_at, updated_at)
SELECT id, email, name, role, password_hash, totp_secret, totp_enabled, totp_last_step,
    session_epoch, disabled_at, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE TEMP TABLE fk_guard (dangling INTEGER NOT NULL CHECK (dangling = 0));
INSERT INTO fk_guard SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE fk_guard;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- Leads become agents again: the narrower CHECK would refuse them.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE, -- stored lower-cased
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash  TEXT    NOT NULL DEFAULT '',
    totp_secret    TEXT    NOT NULL DEFAULT '', -- sealed with the secret key
    totp_enabled   BOOLEAN NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    session_epoch  INTEGER NOT NULL DEFAULT 0,
    disabled_at    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
INSERT INTO users_new (id, email, name, role, password_hash, totp_secret, totp_enabled, totp_last_step,
    session_epoch, disabled_at, created_at, updated_at)
SELECT id, email, name, CASE role WHEN 'lead' THEN 'agent' ELSE role END, password_hash, totp_secret,
    totp_enabled, totp_last_step, session_epoch, disabled_at, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE TEMP TABLE fk_guard (dangling INTEGER NOT NULL CHECK (dangling = 0));
INSERT INTO fk_guard SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE fk_guard;
COMMIT;
PRAGMA foreign_keys = ON;
