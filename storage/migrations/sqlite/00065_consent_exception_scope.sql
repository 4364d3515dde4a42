-- +goose Up
-- A documented exception to consent (acute safety, meldcode) names the
-- partner disciplines it opens the case to; one row per discipline. Beyond
-- them only the team's own (intern) members see the student by name. An
-- exception recorded before this migration has no rows: it opens the case
-- to nobody beyond the intern members until one is recorded anew.
CREATE TABLE consent_exception_scope (
    exception_id TEXT NOT NULL REFERENCES consent_exceptions(id),
    discipline   TEXT NOT NULL,
    PRIMARY KEY (exception_id, discipline)
);

-- +goose Down
SELECT 'append-only: no down migration';
