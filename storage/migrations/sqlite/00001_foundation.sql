-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE boards (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE schools (
    id       TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    name     TEXT NOT NULL,
    sector   TEXT NOT NULL CHECK (sector IN ('po', 'vo', 'mbo')),
    brin     TEXT NOT NULL
);

CREATE TABLE locations (
    id        TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    name      TEXT NOT NULL,
    city      TEXT NOT NULL
);

CREATE TABLE groups (
    id        TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('programme', 'class')),
    level     TEXT NOT NULL
);

CREATE TABLE partner_orgs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    discipline TEXT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    username       TEXT UNIQUE,
    name           TEXT NOT NULL,
    school_id      TEXT REFERENCES schools(id),
    partner_org_id TEXT REFERENCES partner_orgs(id),
    discipline     TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_enabled   INTEGER NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    demo           INTEGER NOT NULL DEFAULT 0,
    session_epoch  INTEGER NOT NULL DEFAULT 0,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- The groups a taakdocent zorg / IB'er is the care contact for.
CREATE TABLE care_contacts (
    user_id  TEXT NOT NULL REFERENCES users(id),
    group_id TEXT NOT NULL REFERENCES groups(id),
    PRIMARY KEY (user_id, group_id)
);

CREATE TABLE care_teams (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('intern', 'zat')),
    rhythm TEXT NOT NULL
);

CREATE TABLE care_team_schools (
    team_id   TEXT NOT NULL REFERENCES care_teams(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    PRIMARY KEY (team_id, school_id)
);

CREATE TABLE team_members (
    team_id      TEXT NOT NULL REFERENCES care_teams(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('fixed', 'on_call')),
    chair        INTEGER NOT NULL DEFAULT 0,
    minute_taker INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE students (
    id             TEXT PRIMARY KEY,
    school_id      TEXT NOT NULL REFERENCES schools(id),
    group_id       TEXT NOT NULL REFERENCES groups(id),
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    date_of_birth  DATE NOT NULL,
    student_number TEXT NOT NULL,
    level          TEXT NOT NULL,
    mentor_id      TEXT REFERENCES users(id),
    left_at        TIMESTAMP,
    UNIQUE (school_id, student_number)
);
CREATE INDEX students_mentor ON students (mentor_id);
CREATE INDEX students_group ON students (group_id);

CREATE TABLE guardians (
    id                 TEXT PRIMARY KEY,
    student_id         TEXT NOT NULL REFERENCES students(id),
    name               TEXT NOT NULL,
    relation           TEXT NOT NULL,
    parental_authority INTEGER NOT NULL,
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX guardians_student ON guardians (student_id);

CREATE TABLE cases (
    id         TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES students(id),
    team_id    TEXT NOT NULL REFERENCES care_teams(id),
    status     TEXT NOT NULL,
    opened_at  TIMESTAMP NOT NULL
);
CREATE INDEX cases_student ON cases (student_id);

CREATE TABLE case_invitations (
    case_id    TEXT NOT NULL REFERENCES cases(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_invitations_user ON case_invitations (user_id);

-- Login attempts, for throttling that holds across instances. subject is a
-- keyed hash of the account or address, never the address itself.
CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      TIMESTAMP NOT NULL,
    ok      INTEGER NOT NULL
);
CREATE INDEX login_attempts_subject ON login_attempts (kind, subject, at);

-- Browsers where an account logged in fully before: they are exempt from the
-- account-wide lockout, so an attacker cannot lock the holder out.
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

-- scs/sqlite3store
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- The access log (NEN 7513), the largest table by far. Rows are chained by hash; access_log_head holds the tip.
CREATE TABLE access_log (
    seq         BIGINT NOT NULL,
    at          TIMESTAMP NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    role        TEXT NOT NULL,
    org_name    TEXT NOT NULL,
    relation    TEXT NOT NULL,
    student_id  TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    instance    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (seq, at)
);
CREATE INDEX access_log_student ON access_log (student_id, at);
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_user ON access_log (user_id, at);

CREATE TABLE access_log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO access_log_head (id, seq, hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log rows cannot be changed or deleted');
END;
-- +goose StatementEnd

-- +goose Down
SELECT 'append-only: no down migration';
