-- Alert rules (internal/alert): "<metric> <op> <threshold> for <duration>",
-- scoped to a team or (team_id NULL) the desk, evaluated every minute by one
-- job. A rule's state moves ok -> pending -> firing -> resolved -> ok;
-- revision grows with every change of the row, so two evaluations that
-- raced cannot both record (and notify) one change. The webhook secret is
-- sealed with the instance's key. alert_history keeps every change of
-- state with the value seen. Written only by internal/alert.

-- +goose Up
CREATE TABLE alert_rules (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    metric            TEXT    NOT NULL CHECK (metric IN ('service_level', 'backlog', 'at_risk', 'breached', 'csat_7d')),
    op                TEXT    NOT NULL CHECK (op IN ('<', '<=', '>', '>=')),
    threshold         REAL    NOT NULL,
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes >= 0),
    team_id           INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    notify_leads      BOOLEAN NOT NULL DEFAULT FALSE,
    emails            TEXT    NOT NULL DEFAULT '[]', -- a JSON list of addresses
    webhook_url       TEXT    NOT NULL DEFAULT '',
    webhook_secret    TEXT    NOT NULL DEFAULT '',
    state             TEXT    NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'pending', 'firing', 'resolved')),
    state_since       TEXT    NOT NULL,
    last_value        REAL,
    evaluated_at      TEXT,
    acknowledged_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    acknowledged_at   TEXT,
    silenced_until    TEXT,
    revision          INTEGER NOT NULL DEFAULT 1,
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX alert_rules_team ON alert_rules (team_id);

-- The people a rule tells in the app, besides the team's leads.
CREATE TABLE alert_rule_users (
    rule_id INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (rule_id, user_id)
);

CREATE TABLE alert_history (
    id         INTEGER PRIMARY KEY,
    rule_id    INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    from_state TEXT    NOT NULL,
    to_state   TEXT    NOT NULL,
    value      REAL,
    threshold  REAL    NOT NULL,
    notified   BOOLEAN NOT NULL, -- false: no notice was due, or the rule was silenced
    at         TEXT    NOT NULL
);
CREATE INDEX alert_history_rule ON alert_history (rule_id, id);

-- +goose Down
DROP TABLE alert_history;
DROP TABLE alert_rule_users;
DROP TABLE alert_rules;
