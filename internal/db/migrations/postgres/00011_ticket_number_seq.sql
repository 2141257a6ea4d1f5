-- Ticket numbers come from a sequence on PostgreSQL, so that concurrent
-- creations on several nodes do not all wait on the counters row. It starts
-- after the highest number the counter gave out.

-- +goose Up
CREATE SEQUENCE ticket_number_seq AS BIGINT;
SELECT setval('ticket_number_seq', value + 1, false) FROM counters WHERE name = 'ticket_number';

-- +goose Down
UPDATE counters SET value = (SELECT COALESCE(MAX(number), 0) FROM tickets) WHERE name = 'ticket_number';
DROP SEQUENCE ticket_number_seq;
