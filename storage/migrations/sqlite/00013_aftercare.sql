-- +goose Up
-- Aftercare: three months after the last ZAT discussion of a case, a task
-- for the zorgcoördinator to ask the taakdocent zorg / IB'er and the student
-- (or guardians) what the approach achieved. One per case.
CREATE TABLE aftercare (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL UNIQUE REFERENCES cases(id),
    student_id TEXT NOT NULL REFERENCES students(id),
    last_discussed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE aftercare_answers (
    id           TEXT PRIMARY KEY,
    aftercare_id TEXT NOT NULL REFERENCES aftercare(id),
    respondent   TEXT NOT NULL CHECK (respondent IN ('care_contact', 'student', 'guardian')),
    achieved     TEXT NOT NULL,
    goals_met    TEXT NOT NULL CHECK (goals_met IN ('yes', 'partly', 'no')),
    experience   TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users(id),
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX aftercare_answers_aftercare ON aftercare_answers (aftercare_id);

-- +goose Down
SELECT 'append-only: no down migration';
