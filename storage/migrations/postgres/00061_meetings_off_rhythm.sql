-- +goose Up
-- Why a meeting was cancelled: '' by its chair, 'rhythm' because a new
-- meeting rhythm left it out. A meeting the rhythm left out comes back,
-- with its id and the links sent out to it, when a later rhythm has it
-- again; one the chair cancelled stays cancelled.
ALTER TABLE meetings ADD COLUMN cancelled_for TEXT NOT NULL DEFAULT '' CHECK (cancelled_for IN ('', 'rhythm'));

-- +goose Down
SELECT 'append-only: no down migration';
