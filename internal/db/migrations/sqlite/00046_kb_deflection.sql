-- The knowledge base's deflection funnel (internal/kb): what customers
-- searched for and how many articles answered, each visitor's journey
-- through the help center (articles suggested and opened), and for a
-- ticket filed anyway, which articles its customer had seen.
--
-- A journey is keyed by a random visitor id kept in the customer's
-- session, never by who they are. It counts as deflected when it saw an
-- article and no request followed within 30 minutes of its last step.

-- +goose Up
CREATE TABLE kb_searches (
    id         INTEGER PRIMARY KEY,
    source     TEXT    NOT NULL, -- help (the search page) or suggest (as a customer types)
    query      TEXT    NOT NULL,
    results    INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX kb_searches_created ON kb_searches (created_at);

CREATE TABLE kb_journeys (
    id         INTEGER PRIMARY KEY,
    visitor    TEXT    NOT NULL UNIQUE,
    ticket_id  INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    started_at TEXT    NOT NULL,
    last_at    TEXT    NOT NULL,
    filed_at   TEXT
);
CREATE INDEX kb_journeys_last ON kb_journeys (last_at);

CREATE TABLE kb_journey_articles (
    journey_id INTEGER NOT NULL REFERENCES kb_journeys (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    opened     BOOLEAN NOT NULL, -- opened, or only suggested
    at         TEXT    NOT NULL,
    PRIMARY KEY (journey_id, article_id)
);

CREATE TABLE kb_ticket_articles (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    opened     BOOLEAN NOT NULL,
    PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX kb_ticket_articles_article ON kb_ticket_articles (article_id);

-- +goose Down
DROP TABLE kb_ticket_articles;
DROP TABLE kb_journey_articles;
DROP TABLE kb_journeys;
DROP TABLE kb_searches;
