-- +goose Up
-- Retention and destruction (SPEC §4). A rule says how long a school keeps a
-- kind of record; without a row the default applies (casus.DefaultRetention:
-- two years after the student left school or the last case closed,
-- whichever is later). The beheerder edits the rules.
CREATE TABLE retention_rules (
    school_id  TEXT NOT NULL REFERENCES schools(id),
    kind       TEXT NOT NULL CHECK (kind IN ('student_file')),
    months     INTEGER NOT NULL CHECK (months >= 1 AND months <= 1200),
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (school_id, kind)
);

-- A legal hold keeps a student's file past its retention date, for as long
-- as it is not lifted. Destroyed with the file once lifted and expired.
CREATE TABLE legal_holds (
    id            TEXT PRIMARY KEY,
    student_id    TEXT NOT NULL REFERENCES students(id),
    reason        TEXT NOT NULL,
    set_by        TEXT NOT NULL REFERENCES users(id),
    set_at        TIMESTAMP NOT NULL,
    lifted_at     TIMESTAMP,
    lifted_by     TEXT REFERENCES users(id),
    lifted_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_holds_student ON legal_holds (student_id);

-- What was destroyed, kept instead of it: the kind, the period the records
-- covered (months), when, under which rule or erasure ground, and how many
-- rows of each table. No student id, name, date of birth or free text: the
-- token is random and links to nothing.
CREATE TABLE destructions (
    id           TEXT PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('student_file', 'access_log')),
    cause        TEXT NOT NULL CHECK (cause IN ('retention', 'erasure')),
    ground       TEXT NOT NULL DEFAULT '',
    rule         TEXT NOT NULL,
    school_id    TEXT REFERENCES schools(id),
    period_from  DATE,
    period_to    DATE,
    counts       TEXT NOT NULL,
    actor_id     TEXT REFERENCES users(id),
    destroyed_at TIMESTAMP NOT NULL
);
CREATE INDEX destructions_at ON destructions (destroyed_at);

-- A permit lets the destruction path delete rows the append-only triggers
-- otherwise refuse. It is inserted and deleted inside the destroying
-- transaction, so no other transaction ever sees one.
CREATE TABLE destruction_permits (
    token TEXT PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('student', 'access_log'))
);

-- The access log is pruned from its start: the anchor holds the sequence
-- number and hash of the last entry removed, where verification starts.
CREATE TABLE access_log_anchor (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO access_log_anchor (id, seq, hash) VALUES (1, 0, '');

-- The access log's own retention, in months.
INSERT INTO settings (key, value) VALUES ('retention.access_log_months', '60') ON CONFLICT (key) DO NOTHING;

-- Deletes stay refused unless a permit of the kind exists; updates stay
-- refused always.
DROP TRIGGER care_entries_no_delete;
DROP TRIGGER care_entry_versions_no_delete;
DROP TRIGGER route_events_no_delete;
DROP TRIGGER referral_events_no_delete;
DROP TRIGGER access_log_no_delete;
-- +goose StatementBegin
CREATE TRIGGER care_entries_no_delete BEFORE DELETE ON care_entries
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student')
BEGIN
    SELECT RAISE(ABORT, 'care file rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER care_entry_versions_no_delete BEFORE DELETE ON care_entry_versions
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student')
BEGIN
    SELECT RAISE(ABORT, 'care file rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER route_events_no_delete BEFORE DELETE ON route_events
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student')
BEGIN
    SELECT RAISE(ABORT, 'care route rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER referral_events_no_delete BEFORE DELETE ON referral_events
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student')
BEGIN
    SELECT RAISE(ABORT, 'referral_events rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'access_log')
BEGIN
    SELECT RAISE(ABORT, 'access_log rows cannot be changed or deleted');
END;
-- +goose StatementEnd

-- +goose Down
SELECT 'append-only: no down migration';
