-- +goose Up
-- Complaints (klachtenregeling) about a care team as a whole or about one
-- member, who falls under their own institution's procedure. Handled by
-- the zorgcoördinator: a first step, and the formal procedure when the
-- first step does not resolve it.
CREATE TABLE complaints (
    id               TEXT PRIMARY KEY,
    team_id          TEXT NOT NULL REFERENCES care_teams(id),
    about            TEXT NOT NULL CHECK (about IN ('team', 'member')),
    member_id        TEXT REFERENCES users(id),
    referred_to      TEXT NOT NULL DEFAULT '',
    referred_on      TIMESTAMP,
    complainant      TEXT NOT NULL,
    summary          TEXT NOT NULL,
    received_on      TIMESTAMP NOT NULL,
    informed_on      TIMESTAMP,
    informed_how     TEXT NOT NULL DEFAULT '',
    first_on         TIMESTAMP,
    first_outcome    TEXT NOT NULL DEFAULT '',
    first_resolved   INTEGER,
    formal_on        TIMESTAMP,
    formal_outcome   TEXT NOT NULL DEFAULT '',
    formal_decision  TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('first_step', 'formal', 'resolved', 'decided', 'referred')),
    handler_id       TEXT NOT NULL REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX complaints_team ON complaints (team_id, received_on);

-- The handbook: the documents a team or school keeps (privacy regulation,
-- consent forms, complaints procedure, leaflet, meldcode, crisis
-- procedure), stored under internal ids, the content in the database.
CREATE TABLE handbook_documents (
    id           TEXT PRIMARY KEY,
    team_id      TEXT REFERENCES care_teams(id),
    school_id    TEXT REFERENCES schools(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    owner_id     TEXT NOT NULL REFERENCES users(id),
    version      TEXT NOT NULL,
    review_on    TIMESTAMP NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    -- A newer version replaces this one; the list shows current versions.
    superseded_by TEXT REFERENCES handbook_documents(id),
    CHECK ((team_id IS NULL) <> (school_id IS NULL))
);
CREATE INDEX handbook_review ON handbook_documents (review_on);

-- Meldcode huiselijk geweld en kindermishandeling: a trajectory per
-- student in five steps, visible only to the zorgcoördinator and the
-- people the coordinator names.
CREATE TABLE meldcodes (
    id         TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES students(id),
    started_by TEXT NOT NULL REFERENCES users(id),
    started_at TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP
);
CREATE INDEX meldcodes_student ON meldcodes (student_id, started_at);

CREATE TABLE meldcode_steps (
    id           TEXT PRIMARY KEY,
    meldcode_id  TEXT NOT NULL REFERENCES meldcodes(id),
    step         INTEGER NOT NULL CHECK (step BETWEEN 1 AND 5),
    done_on      TIMESTAMP NOT NULL,
    by_id        TEXT NOT NULL REFERENCES users(id),
    notes        TEXT NOT NULL,
    veilig_thuis INTEGER NOT NULL DEFAULT 0,
    answers      TEXT NOT NULL DEFAULT '',
    decision     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (meldcode_id, step)
);

CREATE TABLE meldcode_people (
    student_id TEXT NOT NULL REFERENCES students(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    named_by   TEXT NOT NULL REFERENCES users(id),
    named_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (student_id, user_id)
);

-- +goose Down
SELECT 'append-only: no down migration';
