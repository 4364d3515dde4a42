-- +goose Up
-- Single sign-on binds an account to the identity provider's issuer and
-- subject at the first sign-on matched by a verified e-mail address; from
-- then on only issuer and subject match, so a changed e-mail address at the
-- provider cannot move a sign-on to another account.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject);

-- +goose Down
DROP INDEX users_oidc;
ALTER TABLE users DROP COLUMN oidc_subject;
ALTER TABLE users DROP COLUMN oidc_issuer;
