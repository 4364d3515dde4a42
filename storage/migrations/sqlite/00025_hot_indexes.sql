-- +goose Up
-- Indexes the hourly reminders job and the export lacked: at region scale
-- (40,000 students) the follow-up query scanned agenda_items by source_id
-- for 144 s on SQLite, past the job's time-out, and was retried without end
-- while holding the only write connection (97 ms with the index). The
-- export of a student scanned discussions.
CREATE INDEX agenda_items_source ON agenda_items (source_id);
CREATE INDEX discussions_student ON discussions (student_id);

-- +goose Down
DROP INDEX discussions_student;
DROP INDEX agenda_items_source;
