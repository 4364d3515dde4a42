-- +goose Up
-- A password reset the beheerder started and the user completes through a
-- one-time link to their own address. Only the SHA-256 of the link's token
-- is kept: the token itself is in the mail alone.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    started_by  TEXT NOT NULL REFERENCES users(id),
    reset_2fa   INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
