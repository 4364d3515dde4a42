-- +goose Up
-- The extension of the term of a request for rectification by two further
-- months (AVG art. 12(3)): the day the requester was told of it, with the
-- reasons, who recorded it and when. Empty while the term is not extended;
-- the term then ends three months after received_on.
ALTER TABLE rectification_requests ADD COLUMN extended_on DATE;
ALTER TABLE rectification_requests ADD COLUMN extension_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE rectification_requests ADD COLUMN extended_by TEXT REFERENCES users(id);
ALTER TABLE rectification_requests ADD COLUMN extended_at TIMESTAMP;

-- +goose Down
SELECT 'append-only: no down migration';
