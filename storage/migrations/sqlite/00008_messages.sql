-- +goose Up
-- Messages to users inside Casus (and, later, by e-mail). They hold an
-- i18n key and its arguments, shown in the reader's language, and never a
-- student's personal data: the link leads to Casus, where access is checked
-- and logged.
CREATE TABLE messages (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    msg_key    TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '{}',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_user ON messages (user_id, created_at);

-- When a meeting's agenda went out; set once.
ALTER TABLE meetings ADD COLUMN dispatched_at TIMESTAMP;

-- +goose Down
SELECT 'append-only: no down migration';
