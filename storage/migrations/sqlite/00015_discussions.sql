-- +goose Up
-- The record of a case discussion, one per agenda item, in the phases of
-- SPEC §5. The record's fields are kept as one JSON document; every save
-- is a new version and all versions stay. Goals live in the record; an
-- action names the goal it serves. Attendees with their minutes are kept
-- apart, for time spent per partner.
CREATE TABLE discussions (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL UNIQUE REFERENCES agenda_items(id),
    meeting_id   TEXT NOT NULL REFERENCES meetings(id),
    case_id      TEXT NOT NULL REFERENCES cases(id),
    student_id   TEXT NOT NULL REFERENCES students(id),
    version      INTEGER NOT NULL,
    record       TEXT NOT NULL,
    evaluate_on  TIMESTAMP,
    saved_by     TEXT NOT NULL REFERENCES users(id),
    saved_at     TIMESTAMP NOT NULL,
    finalised_at TIMESTAMP
);
CREATE INDEX discussions_case ON discussions (case_id);
CREATE INDEX discussions_meeting ON discussions (meeting_id);

CREATE TABLE discussion_versions (
    discussion_id TEXT NOT NULL REFERENCES discussions(id),
    version       INTEGER NOT NULL,
    record        TEXT NOT NULL,
    saved_by      TEXT NOT NULL REFERENCES users(id),
    saved_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (discussion_id, version)
);

CREATE TABLE discussion_attendees (
    discussion_id TEXT NOT NULL REFERENCES discussions(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    minutes       INTEGER NOT NULL CHECK (minutes >= 0),
    PRIMARY KEY (discussion_id, user_id)
);
CREATE INDEX discussion_attendees_user ON discussion_attendees (user_id);

ALTER TABLE actions ADD COLUMN discussion_id TEXT REFERENCES discussions(id);
ALTER TABLE actions ADD COLUMN goal_id TEXT;

-- The minutes of a meeting are final once the chair or minute taker says so.
ALTER TABLE meetings ADD COLUMN minutes_final_at TIMESTAMP;

-- +goose Down
SELECT 'append-only: no down migration';
