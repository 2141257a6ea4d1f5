-- Recognition: value badges awarded to agents for tickets that showed a
-- value, the badges a review proposes when it rates a value at the top of
-- its scale, peer nominations a lead approves, and the feed's reactions and
-- comments. The webhook and digest settings live in the settings table.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
-- An award copies its value's name, code and colour, so the feed and the
-- philosophy's examples keep meaning something after the value is renamed
-- or removed.
CREATE TABLE badge_awards (
    id            INTEGER PRIMARY KEY,
    value_id      INTEGER REFERENCES team_values (id) ON DELETE SET NULL,
    value_name    TEXT    NOT NULL,
    value_code    TEXT    NOT NULL,
    value_colour  TEXT    NOT NULL,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    awarded_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    nominated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    source        TEXT    NOT NULL CHECK (source IN ('direct', 'review', 'nomination')),
    review_id     INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
    citation      TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    UNIQUE (value_id, ticket_id, agent_id)
);
CREATE INDEX badge_awards_agent ON badge_awards (agent_id, id);
CREATE INDEX badge_awards_value ON badge_awards (value_id, id);
CREATE INDEX badge_awards_created ON badge_awards (created_at);

CREATE TABLE badge_proposals (
    id          INTEGER PRIMARY KEY,
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    value_id    INTEGER NOT NULL REFERENCES team_values (id) ON DELETE CASCADE,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
    award_id    INTEGER REFERENCES badge_awards (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    decided_at  TEXT,
    UNIQUE (review_id, value_id)
);
CREATE INDEX badge_proposals_reviewer ON badge_proposals (reviewer_id, status);

CREATE TABLE badge_nominations (
    id           INTEGER PRIMARY KEY,
    value_id     INTEGER NOT NULL REFERENCES team_values (id) ON DELETE CASCADE,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    nominated_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    citation     TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'approved', 'declined')),
    note         TEXT    NOT NULL DEFAULT '',
    decided_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at   TEXT,
    award_id     INTEGER REFERENCES badge_awards (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX badge_nominations_open ON badge_nominations (value_id, ticket_id, agent_id) WHERE status = 'open';
CREATE INDEX badge_nominations_status ON badge_nominations (status, id);

-- One of each reaction per person and award.
CREATE TABLE award_reactions (
    award_id   INTEGER NOT NULL REFERENCES badge_awards (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reaction   TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (award_id, user_id, reaction)
);

CREATE TABLE award_comments (
    id         INTEGER PRIMARY KEY,
    award_id   INTEGER NOT NULL REFERENCES badge_awards (id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX award_comments_award ON award_comments (award_id, id);

-- +goose Down
DROP TABLE award_comments;
DROP TABLE award_reactions;
DROP TABLE badge_nominations;
DROP TABLE badge_proposals;
DROP TABLE badge_awards;
