-- Customers grow organizations, notes and an erased mark, and identities get
-- an id of their own so that one can be named (and removed) in a URL. Email
-- domains belong to at most one organization; a customer whose address is
-- at a domain of an organization with auto_join on joins it.
-- Times are TEXT in one fixed-width UTC layout (see internal/db/time.go).

-- +goose Up
CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE, -- the name folded to lower case, for uniqueness
    notes      TEXT    NOT NULL DEFAULT '',
    auto_join  BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE TABLE organization_domains (
    domain          TEXT    PRIMARY KEY, -- lower-cased, no leading @
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX organization_domains_org ON organization_domains (organization_id);

ALTER TABLE customers ADD COLUMN organization_id INTEGER REFERENCES organizations (id) ON DELETE SET NULL;
ALTER TABLE customers ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN erased_at TEXT;
CREATE INDEX customers_organization ON customers (organization_id, id);

-- SQLite cannot add a primary key to a table, so identities are rebuilt;
-- (kind, value) stays unique, which is what resolving a sender relies on.
CREATE TABLE customer_identities_new (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('email', 'phone', 'external')),
    value       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (kind, value)
);
INSERT INTO customer_identities_new (customer_id, kind, value, created_at)
    SELECT customer_id, kind, value, created_at FROM customer_identities ORDER BY customer_id, created_at;
DROP TABLE customer_identities;
ALTER TABLE customer_identities_new RENAME TO customer_identities;
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

-- +goose Down
CREATE TABLE customer_identities_old (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('email', 'phone', 'external')),
    value       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (kind, value)
);
INSERT INTO customer_identities_old (customer_id, kind, value, created_at)
    SELECT customer_id, kind, value, created_at FROM customer_identities;
DROP TABLE customer_identities;
ALTER TABLE customer_identities_old RENAME TO customer_identities;
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);
DROP INDEX customers_organization;
ALTER TABLE customers DROP COLUMN erased_at;
ALTER TABLE customers DROP COLUMN notes;
ALTER TABLE customers DROP COLUMN organization_id;
DROP TABLE organization_domains;
DROP TABLE organizations;
