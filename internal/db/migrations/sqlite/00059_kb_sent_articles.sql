-- Articles sent to customers in agents' replies (internal/kb, from the
-- help-center links a reply holds), so that a ticket reopened after it was
-- sent an article flags the article for review: reopened_at is the last
-- such reopen, reopened_ticket_id its ticket; the flag holds while
-- reopened_at is after the article's confirmed_at.

-- +goose Up
CREATE TABLE kb_sent_articles (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX kb_sent_articles_article ON kb_sent_articles (article_id);
ALTER TABLE kb_articles ADD COLUMN reopened_at TEXT;
ALTER TABLE kb_articles ADD COLUMN reopened_ticket_id INTEGER;

-- +goose Down
ALTER TABLE kb_articles DROP COLUMN reopened_ticket_id;
ALTER TABLE kb_articles DROP COLUMN reopened_at;
DROP TABLE kb_sent_articles;
