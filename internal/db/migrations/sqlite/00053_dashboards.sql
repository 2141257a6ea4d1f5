-- Dashboards that leads compose from report widgets, and scheduled emails
-- of a dashboard or of one report. Written only by internal/dashboard.
--
-- A dashboard's widgets are one JSON array (report, group_by, range, chart,
-- size, in display order): they are always read and written whole with
-- their dashboard, and each is checked against the report registry in Go.
-- shared_with 'team' with team_id NULL (the team was deleted) shares with
-- nobody, so deleting a team never deletes a lead's dashboards.

-- +goose Up
CREATE TABLE dashboards (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shared_with TEXT    NOT NULL CHECK (shared_with IN ('nobody', 'team', 'everyone')),
    team_id     INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    widgets     TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX dashboards_owner ON dashboards (owner_id);

-- A subscription mails its user (the recipient) a dashboard, or one report
-- with its group_by and date_range, daily or weekly (weekday 0 = Sunday)
-- at hour in the recipient's time zone.
CREATE TABLE report_subscriptions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dashboard_id INTEGER REFERENCES dashboards (id) ON DELETE CASCADE,
    report       TEXT,
    group_by     TEXT    NOT NULL DEFAULT '',
    date_range   TEXT    NOT NULL DEFAULT '',
    frequency    TEXT    NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    weekday      INTEGER CHECK (weekday BETWEEN 0 AND 6),
    hour         INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    created_at   TEXT    NOT NULL,
    CHECK ((dashboard_id IS NULL) <> (report IS NULL))
);
CREATE INDEX report_subscriptions_user ON report_subscriptions (user_id);
CREATE INDEX report_subscriptions_dashboard ON report_subscriptions (dashboard_id);

-- One row per period a subscription was mailed for (its local date), in the
-- transaction that finishes the sending job: a period is never sent twice.
CREATE TABLE report_subscription_sends (
    subscription_id INTEGER NOT NULL REFERENCES report_subscriptions (id) ON DELETE CASCADE,
    period          TEXT    NOT NULL,
    sent_at         TEXT    NOT NULL,
    PRIMARY KEY (subscription_id, period)
);

-- +goose Down
DROP TABLE report_subscription_sends;
DROP TABLE report_subscriptions;
DROP TABLE dashboards;
