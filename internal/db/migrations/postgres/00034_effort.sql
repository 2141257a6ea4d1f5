-- Effort: what a ticket costs its customer, kept current as the ticket
-- changes (internal/effort), so that lists and reports sum stored integers
-- instead of scanning messages. See the SQLite migration for the columns.

-- +goose Up
ALTER TABLE messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'email'
    CHECK (channel IN ('email', 'portal', 'api', 'phone', 'walk_in', 'chat', 'web_form', 'other'));
UPDATE messages SET channel = t.channel FROM tickets t WHERE t.id = messages.ticket_id;
UPDATE messages SET channel = 'email'
 WHERE id IN (SELECT message_id FROM email_messages WHERE direction = 'in');

CREATE TABLE ticket_effort (
    ticket_id        BIGINT  PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    contacts         INTEGER NOT NULL DEFAULT 0,
    channel_mask     INTEGER NOT NULL DEFAULT 0,
    channel_switches INTEGER NOT NULL DEFAULT 0,
    reopens          INTEGER NOT NULL DEFAULT 0,
    transfers        INTEGER NOT NULL DEFAULT 0,
    wait_ms          BIGINT  NOT NULL DEFAULT 0,
    wait_started_ms  BIGINT,
    last_channel     TEXT,
    last_status      TEXT    NOT NULL,
    last_assignee_id BIGINT,
    last_team_id     BIGINT
);

-- The backfill, as in the SQLite migration.
INSERT INTO ticket_effort (ticket_id, last_status, last_assignee_id, last_team_id)
SELECT id, status, assignee_id, team_id FROM tickets;

CREATE TEMP TABLE effort_public ON COMMIT DROP AS
SELECT m.id, m.ticket_id, m.author_type, m.channel, m.created_at,
       LAG(m.author_type) OVER (PARTITION BY m.ticket_id ORDER BY m.created_at, m.id) AS prev_author
  FROM messages m
 WHERE m.kind = 'reply' AND m.author_type IN ('customer', 'agent');

CREATE TEMP TABLE effort_customer ON COMMIT DROP AS
SELECT ticket_id, channel,
       LAG(channel) OVER (PARTITION BY ticket_id ORDER BY created_at, id) AS prev_channel
  FROM effort_public WHERE author_type = 'customer';

CREATE TEMP TABLE effort_waits ON COMMIT DROP AS
SELECT s.ticket_id, s.created_at AS started,
       (SELECT MIN(a.created_at) FROM effort_public a
         WHERE a.ticket_id = s.ticket_id AND a.author_type = 'agent'
           AND (a.created_at > s.created_at OR a.created_at = s.created_at AND a.id > s.id)) AS ended
  FROM effort_public s
 WHERE s.author_type = 'customer' AND (s.prev_author IS NULL OR s.prev_author = 'agent');

UPDATE ticket_effort SET
    contacts = (SELECT COUNT(*) FROM effort_customer c WHERE c.ticket_id = ticket_effort.ticket_id),
    channel_mask = COALESCE((SELECT SUM(DISTINCT CASE c.channel
        WHEN 'email' THEN 1 WHEN 'portal' THEN 2 WHEN 'api' THEN 4 WHEN 'phone' THEN 8
        WHEN 'walk_in' THEN 16 WHEN 'chat' THEN 32 WHEN 'web_form' THEN 64 ELSE 128 END)
        FROM effort_customer c WHERE c.ticket_id = ticket_effort.ticket_id), 0),
    channel_switches = (SELECT COUNT(*) FROM effort_customer c
        WHERE c.ticket_id = ticket_effort.ticket_id AND c.prev_channel IS NOT NULL AND c.prev_channel <> c.channel),
    last_channel = (SELECT c.channel FROM effort_public c
        WHERE c.ticket_id = ticket_effort.ticket_id AND c.author_type = 'customer'
        ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
    reopens = (SELECT COUNT(*) FROM events e
        WHERE e.ticket_id = ticket_effort.ticket_id AND e.type = 'ticket.status_changed'
          AND e.data::jsonb->>'before' IN ('solved', 'closed')
          AND e.data::jsonb->>'after' NOT IN ('solved', 'closed')),
    transfers = (SELECT COUNT(*) FROM events e
        WHERE e.ticket_id = ticket_effort.ticket_id
          AND e.type IN ('ticket.assignee_changed', 'ticket.team_changed')
          AND e.data::jsonb->>'before' IS NOT NULL),
    wait_ms = COALESCE((SELECT SUM(ROUND(EXTRACT(EPOCH FROM (COALESCE(w.ended, t.solved_at, t.closed_at) - w.started)) * 1000))::BIGINT
        FROM effort_waits w JOIN tickets t ON t.id = w.ticket_id
        WHERE w.ticket_id = ticket_effort.ticket_id
          AND COALESCE(w.ended, t.solved_at, t.closed_at) > w.started), 0),
    wait_started_ms = (SELECT ROUND(EXTRACT(EPOCH FROM w.started) * 1000)::BIGINT
        FROM effort_waits w JOIN tickets t ON t.id = w.ticket_id
        WHERE w.ticket_id = ticket_effort.ticket_id AND w.ended IS NULL
          AND t.status NOT IN ('solved', 'closed'));

-- +goose Down
DROP TABLE ticket_effort;
ALTER TABLE messages DROP COLUMN channel;
