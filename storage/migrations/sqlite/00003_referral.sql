-- +goose Up
-- Referrals (aanmeldingen) of students to care teams with the standard form,
-- and their triage events. The text columns are the parts of the form; their
-- names are casus.ReferralField values.
CREATE TABLE referrals (
    id                 TEXT PRIMARY KEY,
    student_id         TEXT NOT NULL REFERENCES students(id),
    team_id            TEXT NOT NULL REFERENCES care_teams(id),
    state              TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'preselected', 'accepted', 'returned', 'redirected')),
    version            INTEGER NOT NULL,
    referrer_id        TEXT NOT NULL REFERENCES users(id),
    inbrenger_id       TEXT NOT NULL REFERENCES users(id),
    urgency            TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    reason             TEXT NOT NULL DEFAULT '',
    needs_education    TEXT NOT NULL DEFAULT '',
    needs_care         TEXT NOT NULL DEFAULT '',
    student_hindering  TEXT NOT NULL DEFAULT '',
    student_protective TEXT NOT NULL DEFAULT '',
    school_hindering   TEXT NOT NULL DEFAULT '',
    school_protective  TEXT NOT NULL DEFAULT '',
    family_hindering   TEXT NOT NULL DEFAULT '',
    family_protective  TEXT NOT NULL DEFAULT '',
    done_before        TEXT NOT NULL DEFAULT '',
    done_result        TEXT NOT NULL DEFAULT '',
    question_student   TEXT NOT NULL DEFAULT '',
    question_parents   TEXT NOT NULL DEFAULT '',
    question_school    TEXT NOT NULL DEFAULT '',
    case_id            TEXT REFERENCES cases(id),
    previous_id        TEXT REFERENCES referrals(id),
    next_id            TEXT REFERENCES referrals(id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    submitted_at       TIMESTAMP
);
CREATE INDEX referrals_team_state ON referrals (team_id, state, submitted_at);
CREATE INDEX referrals_student ON referrals (student_id);
CREATE INDEX referrals_referrer ON referrals (referrer_id);
CREATE INDEX referrals_inbrenger ON referrals (inbrenger_id);

-- Care-file entries the referrer attached to the referral (migration 00002
-- holds the care file). Part of the form: replaced while the form is edited.
CREATE TABLE referral_entries (
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    entry_id    TEXT NOT NULL REFERENCES care_entries(id),
    PRIMARY KEY (referral_id, entry_id)
);

-- Every transition of a referral: who, when, from, to, with what note.
CREATE TABLE referral_events (
    id          TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL REFERENCES users(id),
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

-- +goose StatementBegin
CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
BEGIN
    SELECT RAISE(ABORT, 'referral_events rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER referral_events_no_delete BEFORE DELETE ON referral_events
BEGIN
    SELECT RAISE(ABORT, 'referral_events rows cannot be changed or deleted');
END;
-- +goose StatementEnd

-- +goose Down
SELECT 'append-only: no down migration';
