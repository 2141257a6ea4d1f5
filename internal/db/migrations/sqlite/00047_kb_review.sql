-- How the knowledge base stays fresh (internal/kb): one row of settings.
-- A published article needs review when its owner has not confirmed it
-- for review_days, or when at least min_votes readers voted and more than
-- unhelpful_percent of them said it did not help. credit_value_id, when
-- set, is the value whose badge an agent receives when an article they
-- made from a ticket is published.

-- +goose Up
CREATE TABLE kb_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    review_days       INTEGER NOT NULL DEFAULT 180,
    unhelpful_percent INTEGER NOT NULL DEFAULT 50,
    min_votes         INTEGER NOT NULL DEFAULT 5,
    credit_value_id   INTEGER,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX kb_articles_review ON kb_articles (status, confirmed_at);
CREATE INDEX kb_articles_submitted ON kb_articles (submitted_at);
CREATE INDEX kb_articles_author ON kb_articles (author_id, status);

-- +goose Down
DROP INDEX kb_articles_author;
DROP INDEX kb_articles_submitted;
DROP INDEX kb_articles_review;
DROP TABLE kb_settings;
