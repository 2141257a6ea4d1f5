-- Every ticket and message flushes a small FTS5 segment, and with FTS5's
-- default automerge of 4 merging them was a third of a ticket creation's
-- cost. Merging 8 segments at a time instead took creation on a desk grown
-- ticket by ticket from about 1,500 to about 2,000 a second, with search
-- unchanged (docs/BENCHMARKS.md). The setting is stored in the index itself.

-- +goose Up
INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 8);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 8);

-- +goose Down
INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 4);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 4);
