-- Views are agents' saved ticket filters with a sort order and the columns
-- the inbox shows. The ready-made views (My open tickets, Unassigned...) are
-- code in internal/view, not rows. A view belongs to its owner; team_id,
-- when set, shares it (read-only) with that team's members. filters and
-- columns are JSON (internal/view.Filters, a list of column names).

-- +goose Up
CREATE TABLE views (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    owner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id    INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    filters    TEXT    NOT NULL DEFAULT '{}',
    sort_by    TEXT    NOT NULL DEFAULT 'updated' CHECK (sort_by IN ('updated', 'created', 'priority', 'number')),
    sort_asc   BOOLEAN NOT NULL DEFAULT 0,
    columns    TEXT    NOT NULL DEFAULT '[]',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX views_owner ON views (owner_id, name);
CREATE INDEX views_team ON views (team_id, name) WHERE team_id IS NOT NULL;
-- A view may sort by creation; like every other order it needs an index
-- that ends in the id so a page is a range scan.
CREATE INDEX tickets_created ON tickets (created_at, id);
-- Views sort by priority within a set of statuses: with priority in the
-- status index the sort reads the index alone, not every matching row.
CREATE INDEX tickets_status_priority ON tickets (status, priority, updated_at, id);

-- +goose Down
DROP INDEX tickets_status_priority;
DROP INDEX tickets_created;
DROP TABLE views;
