-- +goose Up
-- Referrals (aanmeldingen) of students to care teams with the standard form,
-- and their triage events. The text columns are the parts of the form; their
-- names are casus.ReferralField values.
CREATE TABLE referrals (
    id                 UUID PRIMARY KEY,
    student_id         UUID NOT NULL REFERENCES students(id),
    team_id            UUID NOT NULL REFERENCES care_teams(id),
    state              TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'preselected', 'accepted', 'returned', 'redirected')),
    version            INTEGER NOT NULL,
    referrer_id        UUID NOT NULL REFERENCES users(id),
    inbrenger_id       UUID NOT NULL REFERENCES users(id),
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
    case_id            UUID REFERENCES cases(id),
    previous_id        UUID REFERENCES referrals(id),
    next_id            UUID REFERENCES referrals(id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    submitted_at       TIMESTAMPTZ
);
CREATE INDEX referrals_team_state ON referrals (team_id, state, submitted_at);
CREATE INDEX referrals_student ON referrals (student_id);
CREATE INDEX referrals_referrer ON referrals (referrer_id);
CREATE INDEX referrals_inbrenger ON referrals (inbrenger_id);

-- Care-file entries the referrer attached to the referral (migration 00002
-- holds the care file). Part of the form: replaced while the form is edited.
CREATE TABLE referral_entries (
    referral_id UUID NOT NULL REFERENCES referrals(id),
    entry_id    UUID NOT NULL REFERENCES care_entries(id),
    PRIMARY KEY (referral_id, entry_id)
);

-- Every transition of a referral: who, when, from, to, with what note.
CREATE TABLE referral_events (
    id          UUID PRIMARY KEY,
    referral_id UUID NOT NULL REFERENCES referrals(id),
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID NOT NULL REFERENCES users(id),
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

-- +goose StatementBegin
CREATE FUNCTION referral_events_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'referral_events rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER referral_events_no_update BEFORE UPDATE OR DELETE ON referral_events
    FOR EACH ROW EXECUTE FUNCTION referral_events_immutable();
CREATE TRIGGER referral_events_no_truncate BEFORE TRUNCATE ON referral_events
    FOR EACH STATEMENT EXECUTE FUNCTION referral_events_immutable();

-- +goose Down
SELECT 'append-only: no down migration';
