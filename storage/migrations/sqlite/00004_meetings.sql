-- +goose Up
-- A care team's meeting rhythm. One series is current per team; a new rhythm
-- ends the old series (ended_at) so its meetings stay as they were.
CREATE TABLE meeting_series (
    id               TEXT PRIMARY KEY,
    team_id          TEXT NOT NULL REFERENCES care_teams(id),
    first_at         TIMESTAMP NOT NULL,
    every_weeks      INTEGER NOT NULL DEFAULT 0,
    month_week       INTEGER NOT NULL DEFAULT 0,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    location         TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    ended_at         TIMESTAMP,
    CHECK ((every_weeks > 0) <> (month_week <> 0))
);
CREATE INDEX meeting_series_team ON meeting_series (team_id);

-- Meetings are stored once they matter: when something is put on their
-- agenda, or they are moved or cancelled. occurrence_at is the slot of the
-- series a meeting stands for, so a moved meeting still fills its slot and
-- the series does not produce it again.
CREATE TABLE meetings (
    id               TEXT PRIMARY KEY,
    team_id          TEXT NOT NULL REFERENCES care_teams(id),
    series_id        TEXT REFERENCES meeting_series(id),
    occurrence_at    TIMESTAMP,
    starts_at        TIMESTAMP NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    location         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('planned', 'cancelled')),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (series_id, occurrence_at)
);
CREATE INDEX meetings_team_start ON meetings (team_id, starts_at);

-- A crisis or help started outside the team's meetings, recorded at once and
-- discussed afterwards at the next meeting.
CREATE TABLE crises (
    id          TEXT PRIMARY KEY,
    student_id  TEXT NOT NULL REFERENCES students(id),
    team_id     TEXT NOT NULL REFERENCES care_teams(id),
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('crisis', 'direct_help')),
    occurred_at TIMESTAMP NOT NULL,
    called      TEXT NOT NULL,
    agreed      TEXT NOT NULL,
    agreed_by   TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX crises_student ON crises (student_id);

-- What a meeting will discuss. source_id names the referral, crisis or
-- follow-up that put the case there; late marks an item added after the
-- agenda's send-by date.
CREATE TABLE agenda_items (
    id         TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    case_id    TEXT NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL CHECK (kind IN ('referral', 'crisis', 'follow_up', 'chair')),
    source_id  TEXT,
    position   INTEGER NOT NULL,
    late       INTEGER NOT NULL DEFAULT 0,
    added_by   TEXT REFERENCES users(id),
    added_at   TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, kind, source_id)
);
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, position);
CREATE INDEX agenda_items_case ON agenda_items (case_id);

-- +goose Down
SELECT 'append-only: no down migration';
