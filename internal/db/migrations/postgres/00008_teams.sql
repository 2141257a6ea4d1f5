-- Teams get a description and a time of last change, so admins can say what
-- each team is for and clients can sync them.

-- +goose Up
ALTER TABLE teams ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE teams ADD COLUMN updated_at TIMESTAMPTZ;
UPDATE teams SET updated_at = created_at;
ALTER TABLE teams ALTER COLUMN updated_at SET NOT NULL;

-- +goose Down
ALTER TABLE teams DROP COLUMN updated_at;
ALTER TABLE teams DROP COLUMN description;
