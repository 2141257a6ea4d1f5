-- Alerts reach people in the app. Notifications learn the kind 'alert': a
-- rule that started or stopped firing, written once per change of state and
-- recipient (source alert:<history id>).

-- +goose Up
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback', 'alert'));

-- +goose Down
DELETE FROM notifications WHERE kind = 'alert';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'mentioned', 'follow_up', 'badge', 'feedback'));
