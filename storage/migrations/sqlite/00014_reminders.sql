-- +goose Up
-- Reminders sent, one per subject (an action, a consent, ...) and kind, so a
-- reminder goes out once however many instances run the job.
CREATE TABLE reminders (
    subject_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (subject_id, kind)
);

-- +goose Down
SELECT 'append-only: no down migration';
