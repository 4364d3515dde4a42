-- +goose Up
-- Handelingsadviezen: advice to the mentor and the teaching team on how to
-- act with the student, the one part of a discussion they see. Append-only:
-- a new advice replaces the previous one on the student page; the history
-- stays.
CREATE TABLE advice (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    student_id TEXT NOT NULL REFERENCES students(id),
    text       TEXT NOT NULL,
    author_id  TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX advice_student ON advice (student_id, created_at);

-- +goose Down
SELECT 'append-only: no down migration';
