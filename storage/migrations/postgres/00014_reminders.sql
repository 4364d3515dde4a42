-- +goose Up
-- Reminders sent, one per subject (an action, a consent, ...) and kind, so a
-- reminder goes out once however many instances run the job.
CREATE TABLE reminders (
    subject_id UUID NOT NULL,
    kind       TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_id, kind)
);

-- +goose Down
SELECT 'append-only: no down migration';
