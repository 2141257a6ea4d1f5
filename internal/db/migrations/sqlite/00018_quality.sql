-- Quality: the team's philosophy (a vision and its values, with every
-- version kept), the team survey that seeds the vision, scorecards built from
-- the values, weekly review periods with their drawn queues, reviews with
-- their ratings, disputes and calibration sessions.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
-- philosophy holds one row: the vision. The values are team_values.
CREATE TABLE philosophy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    vision     TEXT    NOT NULL DEFAULT '',
    updated_at TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO philosophy (id, vision, updated_at) VALUES (1, '', '1970-01-01T00:00:00.000Z');

-- "values" is an SQL keyword, hence team_values.
CREATE TABLE team_values (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    code          TEXT    NOT NULL UNIQUE, -- stored upper-cased
    colour        TEXT    NOT NULL,        -- #rrggbb
    description   TEXT    NOT NULL DEFAULT '',
    position      INTEGER NOT NULL,
    meaning       TEXT    NOT NULL DEFAULT '',
    in_action     TEXT    NOT NULL DEFAULT '',
    misread       TEXT    NOT NULL DEFAULT '',
    judged_by     TEXT    NOT NULL DEFAULT '',
    relationships TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

-- Every change to the philosophy stores the whole of it, as JSON.
CREATE TABLE philosophy_versions (
    id         INTEGER PRIMARY KEY,
    change     TEXT    NOT NULL, -- what was done: philosophy.updated, value.created...
    content    TEXT    NOT NULL,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE surveys (
    id         INTEGER PRIMARY KEY,
    question   TEXT    NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL
);

-- Answers carry no user and no time, and who answered is kept apart with no
-- link to the answer, so an answer cannot be traced to its author.
CREATE TABLE survey_answers (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    body      TEXT    NOT NULL
);
CREATE INDEX survey_answers_survey ON survey_answers (survey_id);

-- WITHOUT ROWID orders rows by key, not by insertion, so the order of
-- respondents says nothing about the order of answers.
CREATE TABLE survey_respondents (
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (survey_id, user_id)
) WITHOUT ROWID;

CREATE TABLE scorecards (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL
);

-- A category copies its value's name, so reviews keep meaning something
-- after the value is renamed or removed.
CREATE TABLE scorecard_categories (
    id           INTEGER PRIMARY KEY,
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    value_id     INTEGER REFERENCES team_values (id) ON DELETE SET NULL,
    name         TEXT    NOT NULL,
    scale        TEXT    NOT NULL CHECK (scale IN ('range', 'pass_fail')),
    scale_min    INTEGER NOT NULL,
    scale_max    INTEGER NOT NULL,
    weight       REAL    NOT NULL CHECK (weight > 0),
    critical     BOOLEAN NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL
);
CREATE INDEX scorecard_categories_card ON scorecard_categories (scorecard_id, position);

CREATE TABLE review_periods (
    id           INTEGER PRIMARY KEY,
    starts_at    TEXT    NOT NULL,
    ends_at      TEXT    NOT NULL,
    per_agent    INTEGER NOT NULL CHECK (per_agent > 0),
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (starts_at, ends_at)
);

-- The queue: tickets drawn for review in a period, each once.
CREATE TABLE review_assignments (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES review_periods (id) ON DELETE CASCADE,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL CHECK (reason IN ('random', 'needs_look')),
    needs_look  REAL    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (period_id, ticket_id)
);
CREATE INDEX review_assignments_reviewer ON review_assignments (reviewer_id, period_id);

CREATE TABLE calibration_sessions (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id),
    status       TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    closed_at    TEXT
);

CREATE TABLE calibration_participants (
    session_id  INTEGER NOT NULL REFERENCES calibration_sessions (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agreement   REAL, -- 0-100, set when the session closes
    PRIMARY KEY (session_id, reviewer_id)
);
CREATE INDEX calibration_participants_reviewer ON calibration_participants (reviewer_id);

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reviewer_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scorecard_id    INTEGER NOT NULL REFERENCES scorecards (id),
    period_id       INTEGER REFERENCES review_periods (id) ON DELETE SET NULL,
    assignment_id   INTEGER UNIQUE REFERENCES review_assignments (id) ON DELETE SET NULL,
    calibration_id  INTEGER REFERENCES calibration_sessions (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'voided')),
    score           REAL,
    comment         TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    submitted_at    TEXT,
    acknowledged_at TEXT,
    UNIQUE (calibration_id, reviewer_id)
);
CREATE INDEX reviews_agent ON reviews (agent_id, id);
CREATE INDEX reviews_reviewer ON reviews (reviewer_id, id);
CREATE INDEX reviews_period ON reviews (period_id, agent_id);

CREATE TABLE review_ratings (
    review_id      INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    category_id    INTEGER NOT NULL REFERENCES scorecard_categories (id) ON DELETE CASCADE,
    rating         INTEGER, -- NULL when not applicable
    not_applicable BOOLEAN NOT NULL DEFAULT 0,
    comment        TEXT    NOT NULL DEFAULT '',
    message_ids    TEXT    NOT NULL DEFAULT '[]', -- JSON list of the messages the comment points at
    PRIMARY KEY (review_id, category_id)
);

CREATE TABLE review_disputes (
    id          INTEGER PRIMARY KEY,
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    agent_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'partly_accepted', 'rejected')),
    note        TEXT    NOT NULL DEFAULT '',
    resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    resolved_at TEXT,
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX review_disputes_open ON review_disputes (review_id) WHERE status = 'open';
CREATE INDEX review_disputes_status ON review_disputes (status, id);

-- +goose Down
DROP TABLE review_disputes;
DROP TABLE review_ratings;
DROP TABLE reviews;
DROP TABLE calibration_participants;
DROP TABLE calibration_sessions;
DROP TABLE review_assignments;
DROP TABLE review_periods;
DROP TABLE scorecard_categories;
DROP TABLE scorecards;
DROP TABLE survey_respondents;
DROP TABLE survey_answers;
DROP TABLE surveys;
DROP TABLE philosophy_versions;
DROP TABLE team_values;
DROP TABLE philosophy;
