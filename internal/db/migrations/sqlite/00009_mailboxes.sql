-- Mailboxes are the support addresses mail comes in to and replies go out
-- from. Passwords are sealed with the instance's secret key (internal/secret)
-- before they are stored. Tickets remember the mailbox they came in by, so
-- replies leave from the address the customer wrote to. The job queue that
-- sends them lives here too.

-- +goose Up
CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY,
    address       TEXT    NOT NULL UNIQUE, -- lower-cased
    name          TEXT    NOT NULL DEFAULT '',
    team_id       INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    inbound_smtp  BOOLEAN NOT NULL DEFAULT 1,
    imap_host     TEXT    NOT NULL DEFAULT '',
    imap_port     INTEGER NOT NULL DEFAULT 993,
    imap_security TEXT    NOT NULL DEFAULT 'tls' CHECK (imap_security IN ('tls', 'starttls', 'none')),
    imap_user     TEXT    NOT NULL DEFAULT '',
    imap_password TEXT    NOT NULL DEFAULT '', -- sealed
    imap_folder   TEXT    NOT NULL DEFAULT 'INBOX',
    imap_move_to  TEXT    NOT NULL DEFAULT '', -- '' flags \Seen instead of moving
    smtp_host     TEXT    NOT NULL DEFAULT '',
    smtp_port     INTEGER NOT NULL DEFAULT 587,
    smtp_security TEXT    NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('tls', 'starttls', 'none')),
    smtp_user     TEXT    NOT NULL DEFAULT '',
    smtp_password TEXT    NOT NULL DEFAULT '', -- sealed
    ack_enabled   BOOLEAN NOT NULL DEFAULT 1,
    ack_subject   TEXT    NOT NULL DEFAULT '',
    ack_body      TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

ALTER TABLE tickets ADD COLUMN mailbox_id INTEGER REFERENCES mailboxes (id) ON DELETE SET NULL;

-- jobs is the durable job queue (internal/jobs): work that leaves the
-- process, such as sending mail, written in the same transaction as the
-- change that calls for it, and run by workers with retries. A claimed job
-- is "running" under a lease (locked_by, locked_until); a worker that dies
-- loses its lease, and the job becomes due again when the lease ends.
-- run_at is when the job is next due: its first run, its next retry, or
-- the end of its lease while it runs, so one index finds every due job.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '{}', -- JSON
    state        TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')), -- failed: waiting to retry
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TEXT    NOT NULL,
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    unique_key   TEXT, -- at most one job of a kind per key, whatever its state
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    finished_at  TEXT
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('queued', 'running', 'failed');
CREATE UNIQUE INDEX jobs_unique ON jobs (kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state = 'done';

-- +goose Down
DROP TABLE jobs;
ALTER TABLE tickets DROP COLUMN mailbox_id;
DROP TABLE mailboxes;
