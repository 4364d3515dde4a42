-- +goose Up
-- The record of a case discussion, one per agenda item, in the phases of
-- SPEC §5. The record's fields are kept as one JSON document; every save
-- is a new version and all versions stay. Goals live in the record; an
-- action names the goal it serves. Attendees with their minutes are kept
-- apart, for time spent per partner.
CREATE TABLE discussions (
    id           UUID PRIMARY KEY,
    item_id      UUID NOT NULL UNIQUE REFERENCES agenda_items(id),
    meeting_id   UUID NOT NULL REFERENCES meetings(id),
    case_id      UUID NOT NULL REFERENCES cases(id),
    student_id   UUID NOT NULL REFERENCES students(id),
    version      INTEGER NOT NULL,
    record       TEXT NOT NULL,
    evaluate_on  TIMESTAMPTZ,
    saved_by     UUID NOT NULL REFERENCES users(id),
    saved_at     TIMESTAMPTZ NOT NULL,
    finalised_at TIMESTAMPTZ
);
CREATE INDEX discussions_case ON discussions (case_id);
CREATE INDEX discussions_meeting ON discussions (meeting_id);

CREATE TABLE discussion_versions (
    discussion_id UUID NOT NULL REFERENCES discussions(id),
    version       INTEGER NOT NULL,
    record        TEXT NOT NULL,
    saved_by      UUID NOT NULL REFERENCES users(id),
    saved_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (discussion_id, version)
);

CREATE TABLE discussion_attendees (
    discussion_id UUID NOT NULL REFERENCES discussions(id),
    user_id       UUID NOT NULL REFERENCES users(id),
    minutes       INTEGER NOT NULL CHECK (minutes >= 0),
    PRIMARY KEY (discussion_id, user_id)
);
CREATE INDEX discussion_attendees_user ON discussion_attendees (user_id);

ALTER TABLE actions ADD COLUMN discussion_id UUID REFERENCES discussions(id);
ALTER TABLE actions ADD COLUMN goal_id UUID;

-- The minutes of a meeting are final once the chair or minute taker says so.
ALTER TABLE meetings ADD COLUMN minutes_final_at TIMESTAMPTZ;

-- +goose Down
SELECT 'append-only: no down migration';
