-- Articles sent to customers in agents' replies (internal/kb, from the
-- help-center links a reply holds), so that a ticket reopened after it was
-- sent an article flags the article for review: reopened_at is the last
-- such reopen, reopened_ticket_id its ticket; the flag holds while
-- reopened_at is after the article's confirmed_at.

-- +goose Up
CREATE TABLE kb_sent_articles (
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX kb_sent_articles_article ON kb_sent_articles (article_id);
ALTER TABLE kb_articles ADD COLUMN reopened_at TIMESTAMPTZ;
ALTER TABLE kb_articles ADD COLUMN reopened_ticket_id BIGINT;

-- +goose Down
ALTER TABLE kb_articles DROP COLUMN reopened_ticket_id;
ALTER TABLE kb_articles DROP COLUMN reopened_at;
DROP TABLE kb_sent_articles;
