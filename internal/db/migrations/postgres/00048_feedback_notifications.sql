-- Notifications learn the kind 'feedback': a customer's comment on a
-- ticket the recipient worked, written once per survey and agent (source
-- feedback:<survey id>).

-- +goose Up
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback'));

-- +goose Down
DELETE FROM notifications WHERE kind = 'feedback';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge'));
