-- Friction hunters and ambassadors: departments (Billing, Logistics...)
-- with their ambassadors from the support team, friction points (named
-- causes of customer effort a department owns) that agents propose and
-- leads accept, and the tickets agents tag with them. Package friction
-- owns these tables. Times are TEXT in one fixed-width UTC layout (see
-- internal/db/time.go).

-- +goose Up
CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    description TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE department_ambassadors (
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (department_id, user_id)
);
CREATE INDEX department_ambassadors_user ON department_ambassadors (user_id);

-- A friction point is proposed by an agent from a ticket that shows it
-- (state proposed), then accepted or declined by a lead; a lead may also
-- create one accepted at once. status is the owning department's answer,
-- set by its ambassadors: fixed_on is the first day the fix was live.
CREATE TABLE friction_points (
    id                 INTEGER PRIMARY KEY,
    department_id      INTEGER NOT NULL REFERENCES departments (id),
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    state              TEXT    NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined')),
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'raised', 'fix_planned', 'fixed')),
    fixed_on           TEXT,
    proposed_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    proposed_ticket_id INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    decided_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at         TEXT,
    decline_reason     TEXT    NOT NULL DEFAULT '',
    award_id           INTEGER REFERENCES badge_awards (id) ON DELETE SET NULL,
    status_changed_at  TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX friction_points_name ON friction_points (department_id, name) WHERE state <> 'declined';
CREATE INDEX friction_points_state ON friction_points (state, id);

CREATE TABLE ticket_friction (
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    friction_id INTEGER NOT NULL REFERENCES friction_points (id) ON DELETE CASCADE,
    tagged_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    tagged_at   TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, friction_id)
);
CREATE INDEX ticket_friction_point ON ticket_friction (friction_id, ticket_id);
CREATE INDEX ticket_friction_tagged ON ticket_friction (tagged_at);

-- +goose Down
DROP TABLE ticket_friction;
DROP TABLE friction_points;
DROP TABLE department_ambassadors;
DROP TABLE departments;
