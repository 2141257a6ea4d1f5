-- Service-level goals: the share of clocks met that a team aims for
-- (green at or above goal_percent), and the orange threshold below which
-- it is red. The row with no team is the desk's default for every team
-- without one of its own; with no row at all the desk aims for 95% with
-- orange from 85%. Written only by internal/sla.

-- +goose Up
CREATE TABLE sla_goals (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER UNIQUE REFERENCES teams (id) ON DELETE CASCADE,
    goal_percent   REAL NOT NULL CHECK (goal_percent > 0 AND goal_percent <= 100),
    orange_percent REAL NOT NULL CHECK (orange_percent > 0 AND orange_percent <= goal_percent),
    updated_at     TEXT NOT NULL
);
-- One desk default at most (UNIQUE lets NULLs repeat).
CREATE UNIQUE INDEX sla_goals_desk ON sla_goals ((team_id IS NULL)) WHERE team_id IS NULL;

-- +goose Down
DROP TABLE sla_goals;
