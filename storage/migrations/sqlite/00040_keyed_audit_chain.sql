-- +goose Up
-- The access log and the security-event log become keyed hash chains
-- (HMAC-SHA256 under a key kept outside the database, see storage/chain.go).
-- Entries written so far keep their unkeyed SHA-256: audit_chains records,
-- per chain, the last of them, and the first start with the key seals that
-- boundary (seal). Every later entry must carry the keyed hash.
CREATE TABLE audit_chains (
    name        TEXT PRIMARY KEY,
    legacy_seq  BIGINT NOT NULL,
    legacy_hash TEXT NOT NULL,
    seal        TEXT NOT NULL
);
INSERT INTO audit_chains (name, legacy_seq, legacy_hash, seal)
    SELECT 'access_log', seq, hash, '' FROM access_log_head WHERE id = 1;
INSERT INTO audit_chains (name, legacy_seq, legacy_hash, seal)
    SELECT 'security_events', seq, hash, '' FROM security_events_head WHERE id = 1;

-- Pruning moves the access log's anchor; the move is signed with the key
-- (mac), and verification refuses an anchor without a valid signature.
ALTER TABLE access_log_anchor ADD COLUMN mac TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'append-only: no down migration';
