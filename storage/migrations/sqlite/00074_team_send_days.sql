-- +goose Up
-- How many working days before a meeting its team sends the agenda out
-- (SPEC §3: five by default), set by the chair with the rhythm.
ALTER TABLE care_teams ADD COLUMN send_days INTEGER NOT NULL DEFAULT 5 CHECK (send_days BETWEEN 1 AND 10);

-- +goose Down
ALTER TABLE care_teams DROP COLUMN send_days;
