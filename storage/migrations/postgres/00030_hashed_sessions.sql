-- +goose Up
-- Sessions are now stored under the SHA-256 of their token (web's
-- hashedStore). Rows kept under the plain token can no longer be found;
-- deleting them removes the usable tokens from the database. Everyone logs
-- in again once.
DELETE FROM sessions;

-- +goose Down
DELETE FROM sessions;
