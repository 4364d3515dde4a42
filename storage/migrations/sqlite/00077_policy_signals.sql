-- +goose Up
-- Policy signals (beleidssignalen): a gap or waiting list in the care offer
-- a team's chair reports to the steering group, with the cases it touches
-- (counted, never named to the steering group), the partner organisation
-- concerned, and the steering group's response.
CREATE TABLE policy_signals (
    id             TEXT PRIMARY KEY,
    team_id        TEXT NOT NULL REFERENCES care_teams(id),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    partner_org_id TEXT REFERENCES partner_orgs(id),
    status         TEXT NOT NULL CHECK (status IN ('sent', 'answered', 'closed')),
    created_by     TEXT NOT NULL REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL,
    response       TEXT NOT NULL DEFAULT '',
    responded_by   TEXT REFERENCES users(id),
    responded_at   TIMESTAMP
);
CREATE INDEX policy_signals_team ON policy_signals (team_id, created_at);

-- The cases a signal touches: a link to a case is about a student, and
-- goes with the student's file when it is destroyed.
CREATE TABLE policy_signal_cases (
    signal_id TEXT NOT NULL REFERENCES policy_signals(id),
    case_id   TEXT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (signal_id, case_id)
);
CREATE INDEX policy_signal_cases_case ON policy_signal_cases (case_id);

-- +goose Down
DROP TABLE policy_signal_cases;
DROP TABLE policy_signals;
