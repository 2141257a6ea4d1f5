-- Custom fields, custom statuses and links between tickets.
--
-- A custom field's values live one row per (ticket, field) in
-- ticket_field_values, in a column of the field's own type, rather than in a
-- JSON document on the ticket: a filter or a report on a field is then a
-- plain indexed comparison (numbers compare as numbers, dates as dates) with
-- the same SQL in both dialects, where JSON would need each dialect's own
-- operators and could not be indexed per field.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
CREATE TABLE custom_fields (
    id                INTEGER PRIMARY KEY,
    key               TEXT    NOT NULL UNIQUE, -- a slug; fixed once created
    label             TEXT    NOT NULL,
    type              TEXT    NOT NULL CHECK (type IN ('text', 'number', 'date', 'dropdown', 'checkbox')),
    options           TEXT    NOT NULL DEFAULT '[]', -- JSON list of a dropdown's choices
    required_on_solve BOOLEAN NOT NULL DEFAULT 0,
    archived_at       TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);

-- Exactly one value column is set, the one of the field's type; a field
-- without a value has no row.
CREATE TABLE ticket_field_values (
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    field_id     INTEGER NOT NULL REFERENCES custom_fields (id),
    value_text   TEXT,    -- text and dropdown
    value_number REAL,
    value_date   TEXT,    -- YYYY-MM-DD
    value_bool   BOOLEAN, -- checkbox
    PRIMARY KEY (ticket_id, field_id)
);
CREATE INDEX ticket_field_values_text ON ticket_field_values (field_id, value_text);
CREATE INDEX ticket_field_values_number ON ticket_field_values (field_id, value_number);
CREATE INDEX ticket_field_values_date ON ticket_field_values (field_id, value_date);

-- A custom status is a named state within one built-in category; tickets
-- keep the category in tickets.status so SLAs and reports need not know it.
CREATE TABLE custom_statuses (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    label       TEXT    NOT NULL,
    category    TEXT    NOT NULL CHECK (category IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    archived_at TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
ALTER TABLE tickets ADD COLUMN custom_status_id INTEGER REFERENCES custom_statuses (id);
CREATE INDEX tickets_custom_status ON tickets (custom_status_id, updated_at, id);

-- A link is stored once, read from both ends: "parent" means ticket_id's
-- parent is other_id; "related" is stored with ticket_id < other_id;
-- "merged_into" and "split_from" record history and are never removed.
CREATE TABLE ticket_links (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    other_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('related', 'parent', 'merged_into', 'split_from')),
    created_at TEXT    NOT NULL,
    CHECK (ticket_id <> other_id),
    UNIQUE (ticket_id, other_id, kind)
);
CREATE INDEX ticket_links_other ON ticket_links (other_id);
-- A ticket has at most one parent and is merged at most once.
CREATE UNIQUE INDEX ticket_links_one_parent ON ticket_links (ticket_id) WHERE kind = 'parent';
CREATE UNIQUE INDEX ticket_links_one_merge ON ticket_links (ticket_id) WHERE kind = 'merged_into';

-- Changes to the link graph (links, merges) lock this row first, so a check
-- for cycles sees every link committed before it and two merges cannot
-- cross.
INSERT INTO counters (name, value) VALUES ('ticket_links', 0);

-- +goose Down
DELETE FROM counters WHERE name = 'ticket_links';
DROP TABLE ticket_links;
DROP INDEX tickets_custom_status;
ALTER TABLE tickets DROP COLUMN custom_status_id;
DROP TABLE custom_statuses;
DROP TABLE ticket_field_values;
DROP TABLE custom_fields;
