package storage

import (
	"context"
	"fmt"
	"time"

	"casus"
)

// PasswordReset is a reset the beheerder started: the user completes it
// through a one-time link mailed to their own address. Only the hash of the
// link's token is stored.
type PasswordReset struct {
	TokenHash string
	UserID    string
	StartedBy string
	// Reset2FA asks the user to set up two-factor authentication afresh
	// (a lost phone): completing the reset removes the old setup.
	Reset2FA  bool
	CreatedAt time.Time
	ExpiresAt time.Time
}

// StartPasswordReset stores a reset and voids the user's earlier unused
// ones: only the newest link works.
func (tx *Tx) StartPasswordReset(ctx context.Context, p *PasswordReset) error {
	now := tx.Now()
	if _, err := tx.exec(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, p.UserID); err != nil {
		return fmt.Errorf("storage: void password resets: %w", err)
	}
	p.CreatedAt = now
	p.ExpiresAt = p.ExpiresAt.UTC().Truncate(time.Microsecond)
	return tx.insert(ctx, "password reset", `INSERT INTO password_resets (token_hash, user_id, started_by, reset_2fa,
		created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, p.TokenHash, p.UserID, p.StartedBy, p.Reset2FA, now, p.ExpiresAt)
}

// errResetLink is the one answer for a link that is unknown, used or
// expired: the page does not tell which.
var errResetLink = &casus.Error{Code: casus.ENOTFOUND, Key: "error.reset_link"}

// PasswordReset returns the unused, unexpired reset with the token hash, or
// ENOTFOUND (key error.reset_link) when there is none.
func (tx *Tx) PasswordReset(ctx context.Context, tokenHash string) (PasswordReset, error) {
	var p PasswordReset
	err := tx.queryRow(ctx, `SELECT token_hash, CAST(user_id AS TEXT), CAST(started_by AS TEXT), reset_2fa, created_at, expires_at
		FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, tx.Now()).
		Scan(&p.TokenHash, &p.UserID, &p.StartedBy, &p.Reset2FA, &p.CreatedAt, &p.ExpiresAt)
	if err = notFound(err, "password reset"); err == casus.ErrNotFound {
		return p, errResetLink
	} else if err != nil {
		return p, err
	}
	p.CreatedAt, p.ExpiresAt = p.CreatedAt.UTC(), p.ExpiresAt.UTC()
	return p, nil
}

// UsePasswordReset marks the reset used. It returns ENOTFOUND (key
// error.reset_link) when it was used or expired meanwhile: a link works
// once, also when two requests race.
func (tx *Tx) UsePasswordReset(ctx context.Context, tokenHash string) error {
	now := tx.Now()
	res, err := tx.exec(ctx, `UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1`,
		now, tokenHash)
	if err != nil {
		return fmt.Errorf("storage: use password reset: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errResetLink
	}
	return nil
}

// PendingPasswordResets returns the ids of the users with an unused,
// unexpired reset, for the beheerder's list.
func (tx *Tx) PendingPasswordResets(ctx context.Context) (map[string]bool, error) {
	ids, err := tx.column(ctx, "pending password resets",
		`SELECT DISTINCT CAST(user_id AS TEXT) FROM password_resets WHERE used_at IS NULL AND expires_at > $1`, tx.Now())
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ForgetResetLinks blanks the links of the user's reset messages: once the
// mail is out or the reset is done, the token stays nowhere in the clear.
func (tx *Tx) ForgetResetLinks(ctx context.Context, userID string) error {
	if _, err := tx.exec(ctx, `UPDATE messages SET link = '' WHERE user_id = $1 AND msg_key IN ($2, $3)`,
		userID, casus.MsgPasswordResetStarted, casus.MsgAccountInvited); err != nil {
		return fmt.Errorf("storage: forget reset links: %w", err)
	}
	return nil
}

// ForgetMessageLink blanks the link of a message whose link is a secret
// (casus.SecretLinkMessage), once its mail is out.
func (tx *Tx) ForgetMessageLink(ctx context.Context, messageID string) error {
	if _, err := tx.exec(ctx, `UPDATE messages SET link = '' WHERE id = $1`, messageID); err != nil {
		return fmt.Errorf("storage: forget message link: %w", err)
	}
	return nil
}
