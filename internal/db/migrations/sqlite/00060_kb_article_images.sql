-- Images in knowledge-base articles (internal/kb): uploads of the
-- attachment store held by an article. The help center serves an image
-- at /help/images/{attachment_id} only while an article holding it is
-- published and public; the attachment collector keeps held uploads.
-- kb_articles_most_read serves the help center's most read articles
-- without sorting every article.

-- +goose Up
CREATE TABLE kb_article_images (
    article_id    INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (article_id, attachment_id)
);
CREATE INDEX kb_article_images_attachment ON kb_article_images (attachment_id);
CREATE INDEX kb_articles_most_read ON kb_articles (status, visibility, views, id);

-- +goose Down
DROP INDEX kb_articles_most_read;
DROP TABLE kb_article_images;
