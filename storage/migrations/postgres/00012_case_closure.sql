-- +goose Up
-- Closing and reopening a case, each with its reason: the history of a
-- case's status. The case's status column holds the outcome.
CREATE TABLE case_closures (
    id       UUID PRIMARY KEY,
    case_id  UUID NOT NULL REFERENCES cases(id),
    kind     TEXT NOT NULL CHECK (kind IN ('closed', 'reopened')),
    reason   TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    at       TIMESTAMPTZ NOT NULL,
    actor_id UUID NOT NULL REFERENCES users(id)
);
CREATE INDEX case_closures_case ON case_closures (case_id, at);

-- +goose Down
SELECT 'append-only: no down migration';
