-- Schedules are business hours (internal/schedule): a time zone, weekly
-- intervals and holidays. intervals is a JSON list of {"day", "start",
-- "end"} in the zone's wall-clock time (an end before the start runs
-- overnight); holidays a JSON list of YYYY-MM-DD days. One schedule may be
-- the desk's default; team_schedules gives a team its own.

-- +goose Up
CREATE TABLE schedules (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    time_zone  TEXT    NOT NULL,
    intervals  TEXT    NOT NULL DEFAULT '[]',
    holidays   TEXT    NOT NULL DEFAULT '[]',
    is_default BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE team_schedules (
    team_id     INTEGER PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE
);
CREATE INDEX team_schedules_schedule ON team_schedules (schedule_id);

-- +goose Down
DROP TABLE team_schedules;
DROP TABLE schedules;
