-- Team leads: agents who also run the quality programme (the philosophy,
-- scorecards, review queues, disputes), without administering the desk.
-- 00001 declared the CHECK on the column without a name, so PostgreSQL
-- named it users_role_check.

-- +goose Up
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'lead', 'agent'));

-- +goose Down
-- Leads become agents again: the narrower CHECK would refuse them.
UPDATE users SET role = 'agent' WHERE role = 'lead';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'agent'));
