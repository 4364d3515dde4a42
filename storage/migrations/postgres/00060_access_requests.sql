-- +goose Up
-- Requests for access (verzoek om inzage, AVG art. 15). The privacy officer
-- registers who asked (the student, one of the student's guardians, or
-- another person with their relation), the day the request came in and how
-- the requester's identity was checked. The student's zorgcoördinator then
-- reviews it once: she releases the meldcode and the confidential care-file
-- entries, or keeps them withheld with a reason the export states. Only a
-- reviewed request gives an export, and the export names it.
CREATE TABLE access_requests (
    id                   UUID PRIMARY KEY,
    student_id           UUID NOT NULL REFERENCES students(id),
    requester            TEXT NOT NULL CHECK (requester IN ('student', 'guardian', 'other')),
    guardian_id          UUID REFERENCES guardians(id),
    requester_name       TEXT NOT NULL,
    requester_relation   TEXT NOT NULL,
    received_on          DATE NOT NULL,
    identity             TEXT NOT NULL CHECK (identity IN ('id_document', 'known_parent', 'digid_letter', 'other')),
    identity_note        TEXT NOT NULL DEFAULT '',
    recorded_by          UUID NOT NULL REFERENCES users(id),
    recorded_at          TIMESTAMPTZ NOT NULL,
    reviewed_by          UUID REFERENCES users(id),
    reviewed_at          TIMESTAMPTZ,
    release_meldcode     BOOLEAN NOT NULL DEFAULT FALSE,
    meldcode_reason      TEXT NOT NULL DEFAULT '',
    release_confidential BOOLEAN NOT NULL DEFAULT FALSE,
    confidential_reason  TEXT NOT NULL DEFAULT '',
    CHECK ((requester = 'guardian') = (guardian_id IS NOT NULL)),
    CHECK (identity <> 'other' OR identity_note <> ''),
    CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL)),
    CHECK (reviewed_at IS NOT NULL OR NOT (release_meldcode OR release_confidential))
);
CREATE INDEX access_requests_student ON access_requests (student_id, received_on);
CREATE INDEX access_requests_open ON access_requests (received_on) WHERE reviewed_at IS NULL;

-- +goose Down
SELECT 'append-only: no down migration';
