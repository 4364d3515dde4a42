package storage

import (
	"context"
	"fmt"

	"casus"
)

// UserByOIDC returns the user bound to the identity provider's issuer and
// subject, or ENOTFOUND.
func (tx *Tx) UserByOIDC(ctx context.Context, issuer, subject string) (casus.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+userFrom+`WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2`,
		issuer, subject))
	if err != nil {
		return u, notFound(err, "user by oidc")
	}
	return u, tx.loadRoles(ctx, &u)
}

// BindOIDC binds the user to the identity provider's issuer and subject. An
// account is bound once: when it is bound already, or another account holds
// the issuer and subject, it returns ECONFLICT and changes nothing.
func (tx *Tx) BindOIDC(ctx context.Context, userID, issuer, subject string) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2`, issuer, subject).Scan(&n); err != nil {
		return fmt.Errorf("storage: oidc binding: %w", err)
	}
	if n > 0 {
		return ErrOIDCBound
	}
	res, err := tx.exec(ctx, `UPDATE users SET oidc_issuer = $2, oidc_subject = $3, updated_at = $4
		WHERE id = $1 AND oidc_subject IS NULL`, userID, issuer, subject, tx.Now())
	if err != nil {
		return fmt.Errorf("storage: bind oidc: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrOIDCBound
	}
	return nil
}

// ErrOIDCBound says an account is bound to another single sign-on identity.
var ErrOIDCBound = &casus.Error{Code: casus.ECONFLICT, Key: "error.oidc_bound"}
