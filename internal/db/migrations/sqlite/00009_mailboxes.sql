-- Mailboxes are the support addresses mail comes in to and replies go out
-- from. Passwords are sealed with the instance's secret key (internal/secret)
-- before they are stored. Tickets remember the mailbox they came in by, so
-- replies leave from the address the customer wrote to.

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

-- +goose Down
ALTER TABLE tickets DROP COLUMN mailbox_id;
DROP TABLE mailboxes;
