-- Hourly report roll-ups (internal/report). Each ticket's contribution is
-- kept in report_facts so that when the ticket changes its old share is taken
-- out of the roll-up and its new one put in: figures stay right however a
-- ticket moves between teams, agents, tags or states, without re-reading
-- history. report_hourly has one row per hour, dimension and key (dim is
-- 'all', 'team', 'agent', 'channel' or 'tag'); a report sums an hour range
-- of one dimension, so its cost follows hours x keys, not tickets. Reply and
-- resolution times are also counted in 32 log-spaced buckets (bucket 0 under
-- a minute, bucket k from 60*2^((k-1)/2) seconds, the last one open-ended)
-- so medians and 90th percentiles come from the roll-up too.

-- +goose Up
CREATE TABLE report_hourly (
    dim      TEXT    NOT NULL,
    hour     INTEGER  NOT NULL, -- hours since 1970-01-01T00:00Z
    dim_key  TEXT    NOT NULL, -- team or user id, channel, tag; '' for none
    created  INTEGER  NOT NULL DEFAULT 0,
    solved   INTEGER  NOT NULL DEFAULT 0,
    open_now INTEGER  NOT NULL DEFAULT 0, -- created this hour and not solved yet
    fr_n     INTEGER  NOT NULL DEFAULT 0, -- first replies this hour
    fr_sum   INTEGER  NOT NULL DEFAULT 0, -- their seconds since creation
    res_n    INTEGER  NOT NULL DEFAULT 0, -- resolutions this hour
    res_sum  INTEGER  NOT NULL DEFAULT 0,
    fr_h00  INTEGER NOT NULL DEFAULT 0,
    fr_h01  INTEGER NOT NULL DEFAULT 0,
    fr_h02  INTEGER NOT NULL DEFAULT 0,
    fr_h03  INTEGER NOT NULL DEFAULT 0,
    fr_h04  INTEGER NOT NULL DEFAULT 0,
    fr_h05  INTEGER NOT NULL DEFAULT 0,
    fr_h06  INTEGER NOT NULL DEFAULT 0,
    fr_h07  INTEGER NOT NULL DEFAULT 0,
    fr_h08  INTEGER NOT NULL DEFAULT 0,
    fr_h09  INTEGER NOT NULL DEFAULT 0,
    fr_h10  INTEGER NOT NULL DEFAULT 0,
    fr_h11  INTEGER NOT NULL DEFAULT 0,
    fr_h12  INTEGER NOT NULL DEFAULT 0,
    fr_h13  INTEGER NOT NULL DEFAULT 0,
    fr_h14  INTEGER NOT NULL DEFAULT 0,
    fr_h15  INTEGER NOT NULL DEFAULT 0,
    fr_h16  INTEGER NOT NULL DEFAULT 0,
    fr_h17  INTEGER NOT NULL DEFAULT 0,
    fr_h18  INTEGER NOT NULL DEFAULT 0,
    fr_h19  INTEGER NOT NULL DEFAULT 0,
    fr_h20  INTEGER NOT NULL DEFAULT 0,
    fr_h21  INTEGER NOT NULL DEFAULT 0,
    fr_h22  INTEGER NOT NULL DEFAULT 0,
    fr_h23  INTEGER NOT NULL DEFAULT 0,
    fr_h24  INTEGER NOT NULL DEFAULT 0,
    fr_h25  INTEGER NOT NULL DEFAULT 0,
    fr_h26  INTEGER NOT NULL DEFAULT 0,
    fr_h27  INTEGER NOT NULL DEFAULT 0,
    fr_h28  INTEGER NOT NULL DEFAULT 0,
    fr_h29  INTEGER NOT NULL DEFAULT 0,
    fr_h30  INTEGER NOT NULL DEFAULT 0,
    fr_h31  INTEGER NOT NULL DEFAULT 0,
    res_h00 INTEGER NOT NULL DEFAULT 0,
    res_h01 INTEGER NOT NULL DEFAULT 0,
    res_h02 INTEGER NOT NULL DEFAULT 0,
    res_h03 INTEGER NOT NULL DEFAULT 0,
    res_h04 INTEGER NOT NULL DEFAULT 0,
    res_h05 INTEGER NOT NULL DEFAULT 0,
    res_h06 INTEGER NOT NULL DEFAULT 0,
    res_h07 INTEGER NOT NULL DEFAULT 0,
    res_h08 INTEGER NOT NULL DEFAULT 0,
    res_h09 INTEGER NOT NULL DEFAULT 0,
    res_h10 INTEGER NOT NULL DEFAULT 0,
    res_h11 INTEGER NOT NULL DEFAULT 0,
    res_h12 INTEGER NOT NULL DEFAULT 0,
    res_h13 INTEGER NOT NULL DEFAULT 0,
    res_h14 INTEGER NOT NULL DEFAULT 0,
    res_h15 INTEGER NOT NULL DEFAULT 0,
    res_h16 INTEGER NOT NULL DEFAULT 0,
    res_h17 INTEGER NOT NULL DEFAULT 0,
    res_h18 INTEGER NOT NULL DEFAULT 0,
    res_h19 INTEGER NOT NULL DEFAULT 0,
    res_h20 INTEGER NOT NULL DEFAULT 0,
    res_h21 INTEGER NOT NULL DEFAULT 0,
    res_h22 INTEGER NOT NULL DEFAULT 0,
    res_h23 INTEGER NOT NULL DEFAULT 0,
    res_h24 INTEGER NOT NULL DEFAULT 0,
    res_h25 INTEGER NOT NULL DEFAULT 0,
    res_h26 INTEGER NOT NULL DEFAULT 0,
    res_h27 INTEGER NOT NULL DEFAULT 0,
    res_h28 INTEGER NOT NULL DEFAULT 0,
    res_h29 INTEGER NOT NULL DEFAULT 0,
    res_h30 INTEGER NOT NULL DEFAULT 0,
    res_h31 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, hour, dim_key)
);

-- The backlog report reads only the hours that still hold unsolved tickets.
CREATE INDEX report_hourly_open ON report_hourly (dim, hour) WHERE open_now <> 0;

CREATE TABLE report_facts (
    ticket_id    INTEGER  PRIMARY KEY,
    created_hour INTEGER  NOT NULL,
    team_key     TEXT    NOT NULL,
    agent_key    TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    tags         TEXT    NOT NULL, -- newline-separated, sorted
    fr_hour      INTEGER,
    fr_seconds   INTEGER,
    solved_hour  INTEGER,
    res_seconds  INTEGER,
    open         INTEGER  NOT NULL
);

-- One row: whether existing tickets have been rolled up (done once, at the
-- first start after this migration, under this row's lock).
CREATE TABLE report_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    built INTEGER NOT NULL
);
INSERT INTO report_state (id, built) VALUES (1, 0);

-- +goose Down
DROP TABLE report_state;
DROP TABLE report_facts;
DROP TABLE report_hourly;
