-- +goose Up
-- Retention and destruction (SPEC §4). A rule says how long a school keeps a
-- kind of record; without a row the default applies (casus.DefaultRetention:
-- two years after the student left school or the last case closed,
-- whichever is later). The beheerder edits the rules.
CREATE TABLE retention_rules (
    school_id  UUID NOT NULL REFERENCES schools(id),
    kind       TEXT NOT NULL CHECK (kind IN ('student_file')),
    months     INTEGER NOT NULL CHECK (months >= 1 AND months <= 1200),
    updated_by UUID NOT NULL REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, kind)
);

-- A legal hold keeps a student's file past its retention date, for as long
-- as it is not lifted. Destroyed with the file once lifted and expired.
CREATE TABLE legal_holds (
    id            UUID PRIMARY KEY,
    student_id    UUID NOT NULL REFERENCES students(id),
    reason        TEXT NOT NULL,
    set_by        UUID NOT NULL REFERENCES users(id),
    set_at        TIMESTAMPTZ NOT NULL,
    lifted_at     TIMESTAMPTZ,
    lifted_by     UUID REFERENCES users(id),
    lifted_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_holds_student ON legal_holds (student_id);

-- What was destroyed, kept instead of it: the kind, the period the records
-- covered (months), when, under which rule or erasure ground, and how many
-- rows of each table. No student id, name, date of birth or free text: the
-- token is random and links to nothing.
CREATE TABLE destructions (
    id           UUID PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('student_file', 'access_log')),
    cause        TEXT NOT NULL CHECK (cause IN ('retention', 'erasure')),
    ground       TEXT NOT NULL DEFAULT '',
    rule         TEXT NOT NULL,
    school_id    UUID REFERENCES schools(id),
    period_from  DATE,
    period_to    DATE,
    counts       TEXT NOT NULL,
    actor_id     UUID REFERENCES users(id),
    destroyed_at TIMESTAMPTZ NOT NULL
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

-- Deletes stay refused unless a permit of the kind exists; updates and
-- TRUNCATE stay refused always.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION care_file_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'care file rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION referral_events_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'referral_events rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION access_log_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'access_log') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access_log rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
SELECT 'append-only: no down migration';
