-- +goose Up
-- Requests for rectification (verzoek tot rectificatie, AVG art. 16) by a
-- student, a parent or a guardian: who asked, when it came in, which record
-- it concerns (a care-file entry, or another record described in words) and
-- what they ask. The zorgcoördinator decides once: granted (for a care-file
-- entry the grant is the correction, whose version the row names) or
-- refused with a reason; then records the day the requester was informed.
-- The legal term is one month from received_on.
CREATE TABLE rectification_requests (
    id                 TEXT PRIMARY KEY,
    student_id         TEXT NOT NULL REFERENCES students(id),
    entry_id           TEXT REFERENCES care_entries(id),
    concerns           TEXT NOT NULL,
    requester          TEXT NOT NULL CHECK (requester IN ('student', 'parent', 'guardian')),
    requester_name     TEXT NOT NULL,
    received_on        DATE NOT NULL,
    request            TEXT NOT NULL,
    recorded_by        TEXT NOT NULL REFERENCES users(id),
    recorded_at        TIMESTAMP NOT NULL,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'granted', 'refused')),
    decided_on         DATE,
    decided_by         TEXT REFERENCES users(id),
    decided_at         TIMESTAMP,
    decision           TEXT NOT NULL DEFAULT '',
    correction_version INTEGER,
    informed_on        DATE,
    informed_by        TEXT REFERENCES users(id),
    FOREIGN KEY (entry_id, correction_version) REFERENCES care_entry_versions(entry_id, version),
    CHECK ((status = 'open') = (decided_on IS NULL)),
    CHECK (informed_on IS NULL OR status <> 'open')
);
CREATE INDEX rectification_requests_student ON rectification_requests (student_id, received_on);
CREATE INDEX rectification_requests_pending ON rectification_requests (received_on) WHERE informed_on IS NULL;

-- The student's own word (eigen inbreng): a comment of the student or a
-- parent or guardian on an entry of the care file, entered on their behalf
-- by staff. It is their view, so staff cannot change it: rows are
-- append-only, and a withdrawal, only at the giver's request, is a row of
-- its own that keeps the comment in the history.
CREATE TABLE own_words (
    id          TEXT PRIMARY KEY,
    student_id  TEXT NOT NULL REFERENCES students(id),
    entry_id    TEXT NOT NULL REFERENCES care_entries(id),
    giver       TEXT NOT NULL CHECK (giver IN ('student', 'parent', 'guardian')),
    giver_name  TEXT NOT NULL,
    given_on    DATE NOT NULL,
    body        TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX own_words_student ON own_words (student_id, entry_id);

CREATE TABLE own_word_withdrawals (
    own_word_id  TEXT PRIMARY KEY REFERENCES own_words(id),
    requested_on DATE NOT NULL,
    note         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users(id),
    recorded_at  TIMESTAMP NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER own_words_append_only BEFORE UPDATE ON own_words
BEGIN
    SELECT RAISE(ABORT, 'own word rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER own_words_no_delete BEFORE DELETE ON own_words
BEGIN
    SELECT RAISE(ABORT, 'own word rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER own_word_withdrawals_append_only BEFORE UPDATE ON own_word_withdrawals
BEGIN
    SELECT RAISE(ABORT, 'own word rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER own_word_withdrawals_no_delete BEFORE DELETE ON own_word_withdrawals
BEGIN
    SELECT RAISE(ABORT, 'own word rows cannot be changed or deleted');
END;
-- +goose StatementEnd

-- +goose Down
SELECT 'append-only: no down migration';
