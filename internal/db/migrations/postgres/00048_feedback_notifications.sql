-- Feedback reaches people. Notifications learn the kind 'feedback': a customer's comment on a
-- ticket the recipient worked, written once per survey and agent (source
-- feedback:<survey id>).

-- +goose Up
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback'));

-- The feedback wall: which customer comment a lead turned into a
-- recognition post (a badge award, which links the ticket and the value).
-- One per survey; withdrawing the award frees the comment again. Written
-- only by internal/wall.
CREATE TABLE wall_recognitions (
    survey_id     BIGINT  PRIMARY KEY REFERENCES feedback_surveys (id) ON DELETE CASCADE,
    award_id      BIGINT  NOT NULL UNIQUE REFERENCES badge_awards (id) ON DELETE CASCADE,
    recognized_by BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE wall_recognitions;
DELETE FROM notifications WHERE kind = 'feedback';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge'));
