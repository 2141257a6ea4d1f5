-- waiting_since is when the customer's last public message arrived, while
-- that message is the conversation's last word (no agent has answered it);
-- NULL once an agent has replied. The inbox shows how long a customer has
-- waited from it and sorts by it (longest waiting first). Replies by the
-- system (automatic acknowledgements) neither start nor stop the wait.

-- +goose Up
ALTER TABLE tickets ADD COLUMN waiting_since TEXT;
UPDATE tickets SET waiting_since = (
    SELECT CASE WHEN m.author_type = 'customer' THEN m.created_at END
    FROM messages m
    WHERE m.ticket_id = tickets.id AND m.kind = 'reply' AND m.author_type IN ('customer', 'agent')
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1);
-- The waiting sort: waiting tickets first, longest waiting first.
CREATE INDEX tickets_waiting ON tickets (waiting_since, id);

-- +goose Down
DROP INDEX tickets_waiting;
ALTER TABLE tickets DROP COLUMN waiting_since;
