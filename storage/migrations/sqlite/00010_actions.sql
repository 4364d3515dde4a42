-- +goose Up
-- Actions agreed for a case: an owner, a description, a due date and a
-- status, changed only through appended updates with a note. Owning an open
-- action of an open case relates the owner to the student (the policy's
-- action-owner relation).
CREATE TABLE actions (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    student_id  TEXT NOT NULL REFERENCES students(id),
    owner_id    TEXT NOT NULL REFERENCES users(id),
    description TEXT NOT NULL,
    due_on      TIMESTAMP NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX actions_owner ON actions (owner_id, status);
CREATE INDEX actions_student ON actions (student_id);

CREATE TABLE action_updates (
    id        TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES actions(id),
    at        TIMESTAMP NOT NULL,
    actor_id  TEXT NOT NULL REFERENCES users(id),
    status    TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX action_updates_action ON action_updates (action_id, at);

-- +goose Down
SELECT 'append-only: no down migration';
