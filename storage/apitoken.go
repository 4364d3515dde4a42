package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"casus"
)

// CreateAPIToken stores a token the beheerder issued, with the hash of its
// secret (casus.TokenHash); t.ID and t.CreatedAt are set. An unknown
// account is refused by the database (an internal error: the use case
// checks the account first).
func (tx *Tx) CreateAPIToken(ctx context.Context, t *casus.APIToken, secretHash string) error {
	t.CreatedAt = tx.Now()
	t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Microsecond)
	return tx.insert(ctx, "api token", `INSERT INTO api_tokens (id, name, token_hash, user_id, scopes, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ensureID(&t.ID), t.Name, secretHash, t.UserID, t.ScopeList(), t.CreatedBy,
		t.CreatedAt, t.ExpiresAt)
}

const apiTokenColumns = `CAST(t.id AS TEXT), t.name, CAST(t.user_id AS TEXT), u.name, t.scopes, CAST(t.created_by AS TEXT),
	t.created_at, t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id `

func scanAPIToken(r scanner) (casus.APIToken, error) {
	var t casus.APIToken
	var scopes string
	var revoked sql.NullTime
	err := r.Scan(&t.ID, &t.Name, &t.UserID, &t.UserName, &scopes, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt, &revoked)
	t.Scopes = casus.ParseScopes(scopes)
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	if revoked.Valid {
		t.RevokedAt = revoked.Time.UTC()
	}
	return t, err
}

// APITokenByHash returns the token whose secret hashes to secretHash,
// revoked and expired ones too (the policy decides, casus.CanCallAPI), or
// ENOTFOUND.
func (tx *Tx) APITokenByHash(ctx context.Context, secretHash string) (casus.APIToken, error) {
	t, err := scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenColumns+`WHERE t.token_hash = $1`, secretHash))
	return t, notFound(err, "api token")
}

// APITokens returns every token, newest first, for the beheerder's page.
func (tx *Tx) APITokens(ctx context.Context) ([]casus.APIToken, error) {
	return queryAll(ctx, tx, "api tokens", scanAPIToken, `SELECT `+apiTokenColumns+`ORDER BY t.created_at DESC, t.id`)
}

// RevokeAPIToken revokes the token id by the beheerder by, and returns it
// as it now is. A token unknown or already revoked is ENOTFOUND.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id, by string) (casus.APIToken, error) {
	if !casus.ValidID(id) {
		return casus.APIToken{}, casus.ErrNotFound
	}
	res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL`,
		tx.Now(), by, id)
	if err != nil {
		return casus.APIToken{}, fmt.Errorf("storage: revoke api token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return casus.APIToken{}, err
	} else if n != 1 {
		return casus.APIToken{}, casus.ErrNotFound
	}
	t, err := scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenColumns+`WHERE t.id = $1`, id))
	return t, notFound(err, "api token")
}
