-- +goose Up
-- The security-event log: logins and their failures, lockouts, two-factor
-- enrolment and removal, account and role changes, password resets and
-- settings. Append-only and chained like the access log; no student data.
CREATE TABLE security_events (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    kind        TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    target_name TEXT NOT NULL,
    detail      TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    instance    TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_kind ON security_events (kind, at);
CREATE INDEX security_events_target ON security_events (target_id, at);

CREATE TABLE security_events_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO security_events_head (id, seq, hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE FUNCTION security_events_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'security_events rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER security_events_no_update BEFORE UPDATE OR DELETE ON security_events
    FOR EACH ROW EXECUTE FUNCTION security_events_immutable();
CREATE TRIGGER security_events_no_truncate BEFORE TRUNCATE ON security_events
    FOR EACH STATEMENT EXECUTE FUNCTION security_events_immutable();

-- +goose Down
SELECT 'append-only: no down migration';
