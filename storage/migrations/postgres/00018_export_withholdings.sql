-- +goose Up
-- Right of access (AVG art. 15): a part of a student's file that a partner
-- may not disclose (e.g. police information) is withheld from the export,
-- with the reason recorded. The export says that something was withheld and
-- why. record_key names the record within its table (its id, or the
-- columns of a composite key joined with '/').
CREATE TABLE export_withholdings (
    id          UUID PRIMARY KEY,
    student_id  UUID NOT NULL REFERENCES students(id),
    table_name  TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    by_id       UUID NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (student_id, table_name, record_key)
);

-- +goose Down
SELECT 'append-only: no down migration';
