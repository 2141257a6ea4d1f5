-- SLA policies and clocks (internal/sla).
--
-- sla_policies are tried in position order; the first whose conditions (a
-- JSON list of {"field", "op", "value"}) all hold sets the ticket's targets
-- (a JSON list of {"metric", "minutes", "business_hours", "pause_statuses"}).
--
-- sla_clocks holds one row per ticket, metric and cycle (a ticket has one
-- first_reply clock, and a next_reply clock for each customer message an
-- agent must answer). At most one clock of a ticket and metric is open
-- (active or paused). Service level reads it directly:
--   state       active | paused | fulfilled | breached | cancelled
--               (cancelled: no policy targets the metric any more; not a
--               miss, not counted)
--   due_at      the deadline while active; NULL while paused; kept as the
--               last deadline once fulfilled or breached
--   fulfilled_at when the metric was met (set on breached clocks too, when
--               met late)
--   breached_at the deadline that passed (state breached)
--   used_ms     open time already used before running_since, in milliseconds
--   team_id, channel, priority: the ticket's, when the clock was last
--               targeted, so reports group without joining history
-- sla_segments is each clock's append-only log.

-- +goose Up
CREATE TABLE sla_policies (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    position   INTEGER NOT NULL,
    conditions TEXT    NOT NULL DEFAULT '[]',
    targets    TEXT    NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX sla_policies_position ON sla_policies (position, id);

CREATE TABLE sla_clocks (
    id               INTEGER PRIMARY KEY,
    ticket_id        INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    metric           TEXT    NOT NULL CHECK (metric IN ('first_reply', 'next_reply', 'periodic_update', 'resolution')),
    state            TEXT    NOT NULL CHECK (state IN ('active', 'paused', 'fulfilled', 'breached', 'cancelled')),
    policy_id        INTEGER,
    policy_name      TEXT    NOT NULL DEFAULT '',
    target_minutes   INTEGER NOT NULL,
    business_hours   BOOLEAN NOT NULL,
    pause_statuses   TEXT    NOT NULL DEFAULT '[]',
    at_risk_share    INTEGER NOT NULL DEFAULT 75,
    schedule_id      INTEGER,
    schedule_name    TEXT    NOT NULL DEFAULT '',
    team_id          INTEGER,
    channel          TEXT    NOT NULL DEFAULT '',
    priority         TEXT    NOT NULL DEFAULT '',
    started_at       TEXT NOT NULL,
    running_since    TEXT,
    used_ms          INTEGER NOT NULL DEFAULT 0,
    due_at           TEXT,
    at_risk_at       TEXT,
    at_risk_fired_at TEXT,
    breached_at      TEXT,
    fulfilled_at     TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX sla_clocks_ticket ON sla_clocks (ticket_id, metric, id);
-- Open clocks by deadline: the next deadline of a view, the board's
-- "due in the next hour".
CREATE INDEX sla_clocks_due ON sla_clocks (state, due_at);
-- Service level: clocks of a metric due in a period.
CREATE INDEX sla_clocks_metric_due ON sla_clocks (metric, due_at);

CREATE TABLE sla_segments (
    id             INTEGER PRIMARY KEY,
    clock_id       INTEGER NOT NULL REFERENCES sla_clocks (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL CHECK (kind IN ('started', 'paused', 'resumed', 'fulfilled', 'breached', 'retargeted', 'cancelled')),
    at             TEXT NOT NULL,
    status         TEXT    NOT NULL DEFAULT '', -- the ticket's status, for pauses
    target_minutes INTEGER NOT NULL,
    schedule_id    INTEGER,
    schedule_name  TEXT    NOT NULL DEFAULT '',
    due_at         TEXT
);
CREATE INDEX sla_segments_clock ON sla_segments (clock_id, id);

-- +goose Down
DROP TABLE sla_segments;
DROP TABLE sla_clocks;
DROP TABLE sla_policies;
