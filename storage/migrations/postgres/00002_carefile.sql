-- +goose Up
-- The care file (zorgdossier): entries are never edited in place. An entry
-- row holds what never changes (student, first author, when it was made);
-- each version row holds the content as written or corrected, numbered from
-- 1, with who wrote it, when and why. Triggers refuse UPDATE, DELETE and
-- TRUNCATE.
CREATE TABLE care_entries (
    id         UUID PRIMARY KEY,
    student_id UUID NOT NULL REFERENCES students(id),
    author_id  UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX care_entries_student ON care_entries (student_id, created_at);

CREATE TABLE care_entry_versions (
    entry_id    UUID NOT NULL REFERENCES care_entries(id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    kind        TEXT NOT NULL CHECK (kind IN ('signal', 'guidance', 'team_meeting', 'contact', 'help')),
    visibility  TEXT NOT NULL CHECK (visibility IN ('guidance', 'care_team', 'confidential')),
    occurred_on DATE NOT NULL,
    body        TEXT NOT NULL,
    by_id       UUID NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- The care route (zorgroute): one row per decision, numbered per student;
-- the newest is the current step.
CREATE TABLE route_events (
    student_id  UUID NOT NULL REFERENCES students(id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    from_step   TEXT NOT NULL,
    to_step     TEXT NOT NULL,
    decided_on  DATE NOT NULL,
    by_id       UUID NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (student_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION care_file_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'care file rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER care_entries_append_only BEFORE UPDATE OR DELETE ON care_entries
    FOR EACH ROW EXECUTE FUNCTION care_file_append_only();
CREATE TRIGGER care_entries_no_truncate BEFORE TRUNCATE ON care_entries
    FOR EACH STATEMENT EXECUTE FUNCTION care_file_append_only();
CREATE TRIGGER care_entry_versions_append_only BEFORE UPDATE OR DELETE ON care_entry_versions
    FOR EACH ROW EXECUTE FUNCTION care_file_append_only();
CREATE TRIGGER care_entry_versions_no_truncate BEFORE TRUNCATE ON care_entry_versions
    FOR EACH STATEMENT EXECUTE FUNCTION care_file_append_only();
CREATE TRIGGER route_events_append_only BEFORE UPDATE OR DELETE ON route_events
    FOR EACH ROW EXECUTE FUNCTION care_file_append_only();
CREATE TRIGGER route_events_no_truncate BEFORE TRUNCATE ON route_events
    FOR EACH STATEMENT EXECUTE FUNCTION care_file_append_only();

-- +goose Down
SELECT 'append-only: no down migration';
