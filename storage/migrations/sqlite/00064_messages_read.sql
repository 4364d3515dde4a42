-- +goose Up
-- Messages are the notifications of Casus: each reader marks them read, one
-- or all, and the menu counts the unread ones. read_at is when the reader
-- marked the message read; NULL while it is unread. Messages from before
-- count as read, so the menu does not greet everyone with old reminders.
ALTER TABLE messages ADD COLUMN read_at TIMESTAMP;
UPDATE messages SET read_at = created_at;
CREATE INDEX messages_unread ON messages (user_id) WHERE read_at IS NULL;

-- +goose Down
SELECT 'append-only: no down migration';
