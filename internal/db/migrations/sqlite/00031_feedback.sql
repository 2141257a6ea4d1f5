-- Customer feedback after a solve: one survey per resolution of a ticket
-- (CSAT 1-5, CES 1-7, a comment and, for a low score, a reason), the agents
-- it is attributed to, frozen when the ticket was solved, and the customers
-- who asked never to be surveyed. Written only by internal/feedback.
--
-- A survey's link token is never stored: token_nonce with the instance's
-- secret key makes it again (so an agent can read the link to a customer on
-- the phone), and token_hash (hex SHA-256 of the token) finds the survey
-- from a link. Reading this table alone gives nobody a way to answer.

-- +goose Up
CREATE TABLE feedback_surveys (
    id                  INTEGER PRIMARY KEY,
    ticket_id           INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    solve_event_id      INTEGER NOT NULL UNIQUE, -- the status change to solved: one survey per resolution
    customer_id         INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE, -- requester at solve
    channel             TEXT    NOT NULL,        -- the ticket's channel at solve
    assignee_id         INTEGER REFERENCES users (id) ON DELETE SET NULL, -- frozen at solve
    team_id             INTEGER REFERENCES teams (id) ON DELETE SET NULL, -- frozen at solve
    status              TEXT    NOT NULL CHECK (status IN ('not_eligible', 'scheduled', 'sent', 'answered', 'void')),
    not_eligible_reason TEXT    NOT NULL DEFAULT '',
    token_hash          TEXT    UNIQUE,          -- NULL when not eligible
    token_nonce         TEXT    NOT NULL DEFAULT '',
    solved_at           TEXT    NOT NULL,
    send_at             TEXT,                    -- when a scheduled survey is due
    sent_at             TEXT,
    answered_at         TEXT,                    -- the first answer; changes allowed for 7 days after it
    changed_at          TEXT,                    -- the last answer
    csat                INTEGER CHECK (csat BETWEEN 1 AND 5),
    ces                 INTEGER CHECK (ces BETWEEN 1 AND 7),
    comment             TEXT    NOT NULL DEFAULT '',
    reason              TEXT    NOT NULL DEFAULT '',
    closed_at           TEXT,                    -- the ticket was reopened: void, or answered and frozen
    recovery            TEXT    NOT NULL DEFAULT 'none' CHECK (recovery IN ('none', 'needed', 'followed_up')),
    followed_up_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    followed_up_at      TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX feedback_surveys_ticket ON feedback_surveys (ticket_id, id);
CREATE INDEX feedback_surveys_customer ON feedback_surveys (customer_id, sent_at);
CREATE INDEX feedback_surveys_sent ON feedback_surveys (sent_at);
CREATE INDEX feedback_surveys_answered ON feedback_surveys (answered_at, id);
CREATE INDEX feedback_surveys_team ON feedback_surveys (team_id, answered_at);
CREATE INDEX feedback_surveys_due ON feedback_surveys (send_at) WHERE status = 'scheduled';
CREATE INDEX feedback_surveys_recovery ON feedback_surveys (updated_at) WHERE recovery = 'needed';

-- Every agent a survey counts for: the assignee at solve and each agent who
-- replied publicly before it. A later reassignment does not move a rating.
CREATE TABLE feedback_survey_agents (
    survey_id   INTEGER NOT NULL REFERENCES feedback_surveys (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_assignee BOOLEAN NOT NULL DEFAULT 0,
    replied     BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, user_id)
);
CREATE INDEX feedback_survey_agents_user ON feedback_survey_agents (user_id, survey_id);

-- Customers who asked never to get a survey.
CREATE TABLE feedback_opt_outs (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL
);

-- +goose Down
DROP TABLE feedback_opt_outs;
DROP TABLE feedback_survey_agents;
DROP TABLE feedback_surveys;
