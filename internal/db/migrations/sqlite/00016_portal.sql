-- One-time sign-in links of the customer portal. Only the SHA-256 of a
-- link's token is kept, so reading this table gives nobody a way in. A row
-- is written for every link asked for, known address or not: the rows are
-- also what the per-address and per-IP rate limits count. The customer is
-- found (or made) only when a link is used, so typing random addresses
-- creates nobody.

-- +goose Up
CREATE TABLE portal_signin_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE, -- hex SHA-256 of the token
    email       TEXT    NOT NULL,        -- normalised, as identities store it
    ip          TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT,
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL -- who signed in with it
);
CREATE INDEX portal_signin_tokens_email ON portal_signin_tokens (email, created_at);
CREATE INDEX portal_signin_tokens_ip ON portal_signin_tokens (ip, created_at);
CREATE INDEX portal_signin_tokens_created ON portal_signin_tokens (created_at);

-- +goose Down
DROP TABLE portal_signin_tokens;
