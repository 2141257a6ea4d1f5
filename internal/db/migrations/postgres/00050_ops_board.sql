-- Indexes for the live operations board (internal/ops), which answers every
-- figure for every team in one grouped query and must stay fast on a large
-- desk: each one lets its query read a narrow index instead of table rows.

-- +goose Up
-- Backlog by team: unsolved and unassigned counted from the index alone.
CREATE INDEX tickets_backlog ON tickets (status, team_id, assignee_id);
-- Each team's longest wait: the first entry of its team in this index.
CREATE INDEX tickets_waiting_team ON tickets (team_id, waiting_since, id)
    WHERE waiting_since IS NOT NULL AND status IN ('new', 'open', 'on_hold');
-- Breaches now: clocks not yet met by state and team (the breached ones).
CREATE INDEX sla_clocks_breached_open ON sla_clocks (state, team_id) WHERE fulfilled_at IS NULL;
-- Service level of a day by team or channel, without reading the clocks.
CREATE INDEX sla_clocks_level ON sla_clocks (metric, due_at, state, team_id, channel);
-- CSAT and CES of a period by team, without reading the surveys.
CREATE INDEX feedback_surveys_sent_figures ON feedback_surveys (sent_at, team_id, answered_at, csat, ces);

-- +goose Down
DROP INDEX feedback_surveys_sent_figures;
DROP INDEX sla_clocks_level;
DROP INDEX sla_clocks_breached_open;
DROP INDEX tickets_waiting_team;
DROP INDEX tickets_backlog;
