-- Inbound mail is a duplicate only when both its Message-ID and its
-- content match a mail already stored on the desk: Message-IDs are reused
-- by real clients and can be predicted by forgers, so the id alone would
-- drop real mail. And acknowledgements are recorded per ticket and address,
-- for RFC 3834's "at most one per sender" and an hourly cap.

-- +goose Up
-- content_hash is the hex SHA-256 of the mail without its trace headers
-- (mail.ContentHash). Rows stored before this migration keep NULL: the raw
-- mail is an attachment, too costly to re-read for every row here. Intake
-- compares such a row by re-hashing its original.eml only when a new mail
-- carries the same Message-ID, and a row whose original is gone never
-- counts as a match (a mail may then be stored twice, never lost).
ALTER TABLE email_messages ADD COLUMN content_hash TEXT;
DROP INDEX email_messages_inbound;
-- Desk-wide, whatever mailbox a copy came in by: two deliveries of the
-- same mail at once store it once, the second one's insert failing here.
CREATE UNIQUE INDEX email_messages_inbound ON email_messages (rfc_message_id, content_hash)
    WHERE direction = 'in' AND content_hash IS NOT NULL;

-- One row per acknowledgement queued: at most one per ticket and address,
-- and the recent ones of an address are counted for the hourly cap.
CREATE TABLE email_acks (
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    to_addr    TEXT    NOT NULL, -- lower-cased
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ticket_id, to_addr)
);
CREATE INDEX email_acks_to ON email_acks (to_addr, created_at);

-- +goose Down
-- Going down fails (and changes nothing) while two inbound mails of one
-- mailbox share a Message-ID: the older index cannot hold them.
DROP TABLE email_acks;
DROP INDEX email_messages_inbound;
CREATE UNIQUE INDEX email_messages_inbound ON email_messages (mailbox_id, rfc_message_id) WHERE direction = 'in';
ALTER TABLE email_messages DROP COLUMN content_hash;
