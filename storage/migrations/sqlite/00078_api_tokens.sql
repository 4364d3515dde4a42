-- +goose Up
-- A bearer token of the JSON API, issued by the beheerder for one
-- integration. It acts with the sight of the account user_id, narrowed to
-- its scopes (space-separated). Only the SHA-256 of the secret is kept: the
-- secret is shown once, when the token is made. A token is never deleted,
-- so the access log's entries keep their name; it is revoked.
CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    scopes      TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP,
    revoked_by  TEXT REFERENCES users(id)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- +goose Down
SELECT 'append-only: no down migration';
