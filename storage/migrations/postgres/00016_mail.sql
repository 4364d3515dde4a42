-- +goose Up
-- Messages also go out by e-mail. mailed_at is when the delivery job handled
-- a message: sent it, stored it in the outbox, or skipped it because the
-- recipient has no address or is disabled (mail_skipped). A job claims a
-- message by setting mailed_at where it is still NULL, so it goes out once
-- however many instances run the job. Messages from before e-mail existed
-- count as handled: turning mail on does not send old reminders.
ALTER TABLE messages ADD COLUMN mailed_at TIMESTAMPTZ;
ALTER TABLE messages ADD COLUMN mail_skipped BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE messages SET mailed_at = created_at;
CREATE INDEX messages_unmailed ON messages (created_at) WHERE mailed_at IS NULL;

-- The language the user reads Casus in ('nl' or 'en'), set by the language
-- switch, so their e-mail is in it too.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en'));

-- E-mail stored instead of sent, when no SMTP server is configured (demo
-- mode): the outbox page shows it. One mail per message at most.
CREATE TABLE outbox (
    id         UUID PRIMARY KEY,
    message_id UUID NOT NULL UNIQUE REFERENCES messages(id),
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_created ON outbox (created_at);

-- +goose Down
SELECT 'append-only: no down migration';
