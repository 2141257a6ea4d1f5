-- Macros are canned replies: a body with placeholders ({{customer.first_name}}
-- ...) and optional actions applied to the ticket when the reply is sent
-- (set status, add tags, assign, set priority). owner_id NULL means shared
-- with everyone; otherwise only its owner sees it. actions is a JSON object
-- (internal/macro.Actions).

-- +goose Up
CREATE TABLE macros (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    owner_id   INTEGER REFERENCES users (id) ON DELETE CASCADE,
    actions    TEXT    NOT NULL DEFAULT '{}',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX macros_owner ON macros (owner_id, name);

-- +goose Down
DROP TABLE macros;
