-- The email channel's record of each message that came in or went out by
-- mail, the followers of tickets (addresses copied on the conversation), and
-- what intake needs to thread, de-duplicate and throttle.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
-- One row per ticket message that travelled by email. rfc_message_id is the
-- Message-ID without angle brackets (a synthetic one, derived from the raw
-- bytes, for mail that came without one), matched against the
-- In-Reply-To and References of every reply, whether we sent or received
-- the message it answers.
CREATE TABLE email_messages (
    message_id        INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    mailbox_id        INTEGER REFERENCES mailboxes (id) ON DELETE SET NULL,
    direction         TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    rfc_message_id    TEXT    NOT NULL,
    in_reply_to       TEXT,
    refs              TEXT,                       -- the References ids, space-separated, oldest first
    subject           TEXT    NOT NULL DEFAULT '', -- as the mail had it, decoded
    from_addr         TEXT    NOT NULL DEFAULT '', -- lower-cased address, no display name
    to_addrs          TEXT    NOT NULL DEFAULT '', -- lower-cased addresses, comma-separated
    cc_addrs          TEXT    NOT NULL DEFAULT '',
    auto_reply        BOOLEAN NOT NULL DEFAULT 0, -- an auto-reply, bulk or list mail: never answered automatically
    raw_attachment_id INTEGER REFERENCES attachments (id) ON DELETE SET NULL, -- the original .eml, kept as received
    quote_start       INTEGER, -- byte offset in messages.body_text where the quoted history starts; NULL: none
    delivery_state    TEXT    NOT NULL CHECK (delivery_state IN ('received', 'queued', 'sent', 'failed')),
    delivery_error    TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX email_messages_rfc ON email_messages (rfc_message_id);
-- Inbound mail is stored once per mailbox: the same message delivered twice
-- (an SMTP retry, an IMAP fetch repeated after a restart) finds its row.
-- Outbound ids are ours and unique by construction.
CREATE UNIQUE INDEX email_messages_inbound ON email_messages (mailbox_id, rfc_message_id) WHERE direction = 'in';
-- Throttling counts what one sender sent in the last minutes.
CREATE INDEX email_messages_sender ON email_messages (from_addr, created_at) WHERE direction = 'in';

-- Followers are customers who receive a ticket's public replies besides its
-- requester: the addresses copied on the customer's mail.
CREATE TABLE ticket_followers (
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, customer_id)
);
CREATE INDEX ticket_followers_customer ON ticket_followers (customer_id);

-- +goose Down
DROP TABLE ticket_followers;
DROP TABLE email_messages;
