-- +goose Up
-- What happened to a case between its opening and its closure, beside the
-- referral history: an intern zorgteam case escalated to the ZAT (with the
-- ZAT referral), and the notes on how the intern team bridges the wait.
CREATE TABLE case_events (
    id          UUID PRIMARY KEY,
    case_id     UUID NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('escalated', 'bridging')),
    note        TEXT NOT NULL DEFAULT '',
    referral_id UUID REFERENCES referrals(id),
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID NOT NULL REFERENCES users(id)
);
CREATE INDEX case_events_case ON case_events (case_id, at);

-- +goose Down
SELECT 'append-only: no down migration';
