-- +goose Up
-- NEN 7513 fields of an access-log entry: where the request came from (the
-- client's address, behind trusted proxies, and the class of its browser
-- and system: the workstation), the ground the access rests on (team,
-- consent, exception, anonymous, legal duty, none) with the consent
-- decision or exception it names, and the purpose of processing from a
-- fixed list. The keyed chain covers them. Entries from before stay empty.
ALTER TABLE access_log ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN basis_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN processing TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'append-only: no down migration';
