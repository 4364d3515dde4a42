-- +goose Up
-- A password reset the beheerder started and the user completes through a
-- one-time link to their own address. Only the SHA-256 of the link's token
-- is kept: the token itself is in the mail alone.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id),
    started_by  UUID NOT NULL REFERENCES users(id),
    reset_2fa   BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
