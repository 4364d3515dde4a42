-- +goose Up
-- Meetings polish. Per agenda item: the question in short (set by the
-- chair; otherwise the referral's or the previous plan's question is shown)
-- and the guests invited to talk with the team (guardians, the student, a
-- teacher), who have no account. Per closing of a case: the outcome of each
-- goal of the case's latest plan, the final evaluation of the goals.
ALTER TABLE agenda_items ADD COLUMN question TEXT NOT NULL DEFAULT '';

CREATE TABLE agenda_guests (
    id       TEXT PRIMARY KEY,
    item_id  TEXT NOT NULL REFERENCES agenda_items(id),
    kind     TEXT NOT NULL CHECK (kind IN ('guardian', 'student', 'teacher', 'other')),
    name     TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL REFERENCES users(id),
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX agenda_guests_item ON agenda_guests (item_id);

CREATE TABLE goal_outcomes (
    closure_id    TEXT NOT NULL REFERENCES case_closures(id),
    case_id       TEXT NOT NULL REFERENCES cases(id),
    discussion_id TEXT NOT NULL REFERENCES discussions(id),
    goal_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    description   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('achieved', 'partly', 'not_achieved')),
    PRIMARY KEY (closure_id, goal_id)
);
CREATE INDEX goal_outcomes_case ON goal_outcomes (case_id);

-- +goose Down
SELECT 'append-only: no down migration';
