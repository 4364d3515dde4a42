-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE boards (
    id   UUID PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE schools (
    id       UUID PRIMARY KEY,
    board_id UUID NOT NULL REFERENCES boards(id),
    name     TEXT NOT NULL,
    sector   TEXT NOT NULL CHECK (sector IN ('po', 'vo', 'mbo')),
    brin     TEXT NOT NULL
);

CREATE TABLE locations (
    id        UUID PRIMARY KEY,
    school_id UUID NOT NULL REFERENCES schools(id),
    name      TEXT NOT NULL,
    city      TEXT NOT NULL
);

CREATE TABLE groups (
    id        UUID PRIMARY KEY,
    school_id UUID NOT NULL REFERENCES schools(id),
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('programme', 'class')),
    level     TEXT NOT NULL
);

CREATE TABLE partner_orgs (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    discipline TEXT NOT NULL
);

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    username       TEXT UNIQUE,
    name           TEXT NOT NULL,
    school_id      UUID REFERENCES schools(id),
    partner_org_id UUID REFERENCES partner_orgs(id),
    discipline     TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    demo           BOOLEAN NOT NULL DEFAULT FALSE,
    session_epoch  INTEGER NOT NULL DEFAULT 0,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_roles (
    user_id UUID NOT NULL REFERENCES users(id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- The groups a taakdocent zorg / IB'er is the care contact for.
CREATE TABLE care_contacts (
    user_id  UUID NOT NULL REFERENCES users(id),
    group_id UUID NOT NULL REFERENCES groups(id),
    PRIMARY KEY (user_id, group_id)
);

CREATE TABLE care_teams (
    id     UUID PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('intern', 'zat')),
    rhythm TEXT NOT NULL
);

CREATE TABLE care_team_schools (
    team_id   UUID NOT NULL REFERENCES care_teams(id),
    school_id UUID NOT NULL REFERENCES schools(id),
    PRIMARY KEY (team_id, school_id)
);

CREATE TABLE team_members (
    team_id      UUID NOT NULL REFERENCES care_teams(id),
    user_id      UUID NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('fixed', 'on_call')),
    chair        BOOLEAN NOT NULL DEFAULT FALSE,
    minute_taker BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE students (
    id             UUID PRIMARY KEY,
    school_id      UUID NOT NULL REFERENCES schools(id),
    group_id       UUID NOT NULL REFERENCES groups(id),
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    date_of_birth  DATE NOT NULL,
    student_number TEXT NOT NULL,
    level          TEXT NOT NULL,
    mentor_id      UUID REFERENCES users(id),
    left_at        TIMESTAMPTZ,
    UNIQUE (school_id, student_number)
);
CREATE INDEX students_mentor ON students (mentor_id);
CREATE INDEX students_group ON students (group_id);

CREATE TABLE guardians (
    id                 UUID PRIMARY KEY,
    student_id         UUID NOT NULL REFERENCES students(id),
    name               TEXT NOT NULL,
    relation           TEXT NOT NULL,
    parental_authority BOOLEAN NOT NULL,
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX guardians_student ON guardians (student_id);

CREATE TABLE cases (
    id         UUID PRIMARY KEY,
    student_id UUID NOT NULL REFERENCES students(id),
    team_id    UUID NOT NULL REFERENCES care_teams(id),
    status     TEXT NOT NULL,
    opened_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_student ON cases (student_id);

CREATE TABLE case_invitations (
    case_id    UUID NOT NULL REFERENCES cases(id),
    user_id    UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_invitations_user ON case_invitations (user_id);

-- Login attempts, for throttling that holds across instances. subject is a
-- keyed hash of the account or address, never the address itself.
CREATE TABLE login_attempts (
    id      BIGSERIAL PRIMARY KEY,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    ok      BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_subject ON login_attempts (kind, subject, at);

-- Browsers where an account logged in fully before: they are exempt from the
-- account-wide lockout, so an attacker cannot lock the holder out.
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);

-- scs/pgxstore
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- The access log (NEN 7513). The largest table by far: partitioned by time so
-- old periods can be detached and archived; the primary key carries the
-- partition key. Rows are chained by hash; access_log_head holds the tip.
CREATE TABLE access_log (
    seq         BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
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
) PARTITION BY RANGE (at);
CREATE TABLE access_log_default PARTITION OF access_log DEFAULT;
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
CREATE FUNCTION access_log_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access_log rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_immutable();
-- Row triggers do not fire on TRUNCATE, and a statement trigger on the
-- partitioned table does not cover a partition truncated on its own: every
-- partition gets its own (a new partition must add one too).
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_immutable();
CREATE TRIGGER access_log_default_no_truncate BEFORE TRUNCATE ON access_log_default
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_immutable();

-- +goose Down
SELECT 'append-only: no down migration';
