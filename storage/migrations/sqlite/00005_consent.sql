-- +goose Up
-- Consent (SPEC §4) for discussing a student's case by name in the ZAT. A
-- row is one decision of one giver: consent, assent, anonymous, or a
-- refusal. A later decision of the same giver overrides an earlier one;
-- withdrawal sets withdrawn_at once and takes effect at that moment. Rows
-- are never deleted, so the history of decisions stays.
CREATE TABLE consents (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    student_id       TEXT NOT NULL REFERENCES students(id),
    giver            TEXT NOT NULL CHECK (giver IN ('student', 'guardian')),
    guardian_id      TEXT REFERENCES guardians(id),
    giver_name       TEXT NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('toestemming', 'instemming', 'anoniem')),
    refused          INTEGER NOT NULL DEFAULT 0,
    how              TEXT NOT NULL CHECK (how IN ('signed_form', 'conversation')),
    given_at         TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP,
    withdrawn_at     TIMESTAMP,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    recorded_by      TEXT NOT NULL REFERENCES users(id),
    recorded_at      TIMESTAMP NOT NULL
);
CREATE INDEX consents_case ON consents (case_id, given_at);
CREATE INDEX consents_student ON consents (student_id);

-- The partner disciplines a consent lets share and receive information.
CREATE TABLE consent_scope (
    consent_id TEXT NOT NULL REFERENCES consents(id),
    discipline TEXT NOT NULL,
    PRIMARY KEY (consent_id, discipline)
);

-- A documented decision to discuss a case by name without consent: acute
-- safety or the meldcode.
CREATE TABLE consent_exceptions (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    reason      TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX consent_exceptions_case ON consent_exceptions (case_id);

-- For the intern zorgteam no consent is needed, but whether the student and
-- parents were told the case is discussed (or why not) is recorded.
CREATE TABLE case_informed (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    informed    INTEGER NOT NULL DEFAULT 0,
    who         TEXT NOT NULL DEFAULT '',
    reason_not  TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX case_informed_case ON case_informed (case_id, at);

-- +goose Down
SELECT 'append-only: no down migration';
