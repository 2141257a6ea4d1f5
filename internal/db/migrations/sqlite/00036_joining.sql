-- One issue, whatever channel the customer uses. A new ticket opened while
-- its customer had other unsolved tickets in the join window is suggested
-- to agents as "possibly the same issue" as each of them, for a one-click
-- join (a merge). And a mail that joined a ticket by its subject is
-- acknowledged once, telling the customer which request it was added to.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
-- ticket_id is the newer ticket, other_id the older one it may continue;
-- a join merges ticket_id into other_id. Rows stay after a join: a
-- merged (closed) ticket no longer offers them.
CREATE TABLE ticket_join_suggestions (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    other_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, other_id),
    CHECK (ticket_id <> other_id)
);
CREATE INDEX ticket_join_suggestions_other ON ticket_join_suggestions (other_id);

-- One row per joined mail acknowledged; the hourly cap of an address
-- counts these with email_acks.
CREATE TABLE email_join_acks (
    message_id INTEGER NOT NULL PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    to_addr    TEXT    NOT NULL, -- lower-cased
    created_at TEXT    NOT NULL
);
CREATE INDEX email_join_acks_to ON email_join_acks (to_addr, created_at);

-- +goose Down
DROP TABLE email_join_acks;
DROP TABLE ticket_join_suggestions;
