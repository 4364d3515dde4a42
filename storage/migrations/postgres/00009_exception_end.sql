-- +goose Up
-- An exception to consent (acute safety, meldcode) ends when the reason for
-- it has gone: from then on the case is anonymous again without consent.
ALTER TABLE consent_exceptions ADD COLUMN ended_at TIMESTAMPTZ;
ALTER TABLE consent_exceptions ADD COLUMN ended_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'append-only: no down migration';
