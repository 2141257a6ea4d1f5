-- The knowledge base (internal/kb): categories and their sections, articles
-- written in Markdown, every save kept as a revision, related articles,
-- readers' votes, and the words the help center's search corrects typos to.
--
-- body_html is the Markdown rendered and sanitised when saved, so a reader
-- costs no rendering; body_text is its plain text, which search indexes and
-- snippets quote. An article is shown outside only when published and
-- public; kb_articles_public serves the help center's lists.
--
-- Search: kb_articles_fts stems words (porter), so "refunds" finds
-- "refund"; kb_terms holds every word of the articles, and its trigram
-- index finds the word a typo meant ("pasword" -> "password").

-- +goose Up
CREATE TABLE kb_categories (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES kb_categories (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX kb_categories_parent ON kb_categories (parent_id, position);

CREATE TABLE kb_articles (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    body_markdown TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    body_text     TEXT    NOT NULL,
    category_id   INTEGER NOT NULL REFERENCES kb_categories (id),
    status        TEXT    NOT NULL,
    visibility    TEXT    NOT NULL,
    labels        TEXT    NOT NULL DEFAULT '[]',
    owner_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    revision      INTEGER NOT NULL DEFAULT 1,
    views         INTEGER NOT NULL DEFAULT 0,
    helpful_yes   INTEGER NOT NULL DEFAULT 0,
    helpful_no    INTEGER NOT NULL DEFAULT 0,
    source_ticket_id INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    submitted_at  TEXT,
    review_note   TEXT    NOT NULL DEFAULT '',
    confirmed_at  TEXT    NOT NULL,
    published_at  TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX kb_articles_public ON kb_articles (status, visibility, views);
CREATE INDEX kb_articles_category ON kb_articles (category_id, status, visibility, title);
CREATE INDEX kb_articles_updated ON kb_articles (updated_at);
CREATE INDEX kb_articles_owner ON kb_articles (owner_id);

CREATE TABLE kb_article_revisions (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    body_markdown TEXT    NOT NULL,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    note          TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX kb_article_revisions_number ON kb_article_revisions (article_id, number);

CREATE TABLE kb_related (
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, related_id)
);

CREATE TABLE kb_votes (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    helpful    BOOLEAN NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    comment    TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
CREATE INDEX kb_votes_article ON kb_votes (article_id, created_at);

CREATE TABLE kb_terms (
    id   INTEGER PRIMARY KEY,
    term TEXT    NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE kb_articles_fts USING fts5 (
    title, body_text,
    content = 'kb_articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE kb_terms_trigram USING fts5 (
    term, content = 'kb_terms', content_rowid = 'id', detail = 'none', tokenize = 'trigram'
);

-- +goose StatementBegin
CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, body_text)
    VALUES ('delete', old.id, old.title, old.body_text);
END;
-- +goose StatementEnd

-- Counting a view or a vote leaves the text alone and costs nothing here.
-- +goose StatementBegin
CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF title, body_text ON kb_articles
WHEN old.title <> new.title OR old.body_text <> new.body_text BEGIN
    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, body_text)
    VALUES ('delete', old.id, old.title, old.body_text);
    INSERT INTO kb_articles_fts (rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
END;
-- +goose StatementEnd

-- Terms are only ever added.
-- +goose StatementBegin
CREATE TRIGGER kb_terms_trigram_insert AFTER INSERT ON kb_terms BEGIN
    INSERT INTO kb_terms_trigram (rowid, term) VALUES (new.id, new.term);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER kb_terms_trigram_insert;
DROP TRIGGER kb_articles_fts_update;
DROP TRIGGER kb_articles_fts_delete;
DROP TRIGGER kb_articles_fts_insert;
DROP TABLE kb_terms_trigram;
DROP TABLE kb_articles_fts;
DROP TABLE kb_terms;
DROP TABLE kb_votes;
DROP TABLE kb_related;
DROP TABLE kb_article_revisions;
DROP TABLE kb_articles;
DROP TABLE kb_categories;
