package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"casus"
)

const userColumns = `u.id, u.email, COALESCE(u.username, ''), u.name, COALESCE(CAST(u.school_id AS TEXT), ''), COALESCE(CAST(u.partner_org_id AS TEXT), ''),
	COALESCE(s.name, p.name, ''), u.discipline, u.totp_enabled, u.demo, u.session_epoch, u.disabled`

const userFrom = ` FROM users u LEFT JOIN schools s ON s.id = u.school_id LEFT JOIN partner_orgs p ON p.id = u.partner_org_id `

type scanner interface{ Scan(...any) error }

func scanUser(r scanner) (casus.User, error) {
	var u casus.User
	err := r.Scan(&u.ID, &u.Email, &u.Username, &u.Name, &u.SchoolID, &u.PartnerOrgID, &u.OrgName,
		&u.Discipline, &u.TOTPEnabled, &u.Demo, &u.SessionEpoch, &u.Disabled)
	return u, err
}

// CreateUser stores a new user with a password hash made by package auth.
// It returns ECONFLICT when the e-mail address or username is taken.
func (tx *Tx) CreateUser(ctx context.Context, u *casus.User, passwordHash string) error {
	if u.ID == "" {
		u.ID = casus.NewID()
	}
	var taken int
	// One login name, one account: an e-mail address may not be another
	// account's username, nor the other way round.
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE email IN ($1, $2) OR username IN ($1, $2)`,
		strings.ToLower(u.Email), nullable(strings.ToLower(u.Username))).Scan(&taken); err != nil {
		return fmt.Errorf("storage: check user: %w", err)
	}
	if taken > 0 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "error.user_exists", Field: "email"}
	}
	now := tx.Now()
	if _, err := tx.exec(ctx, `INSERT INTO users (id, email, username, name, school_id, partner_org_id, discipline,
		password_hash, demo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
		u.ID, strings.ToLower(u.Email), nullable(strings.ToLower(u.Username)), u.Name, nullable(u.SchoolID),
		nullable(u.PartnerOrgID), string(u.Discipline), passwordHash, u.Demo, now); err != nil {
		return fmt.Errorf("storage: create user: %w", err)
	}
	for _, r := range u.Roles {
		if _, err := tx.exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, string(r)); err != nil {
			return fmt.Errorf("storage: user role: %w", err)
		}
	}
	return nil
}

// User returns the user with the id, or ENOTFOUND.
func (tx *Tx) User(ctx context.Context, id string) (casus.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+userFrom+`WHERE u.id = $1`, id))
	if err != nil {
		return u, notFound(err, "user")
	}
	return u, tx.loadRoles(ctx, &u)
}

// UserForLogin returns the user whose e-mail address or username is login,
// with the password hash, or ENOTFOUND.
func (tx *Tx) UserForLogin(ctx context.Context, login string) (casus.User, string, error) {
	login = strings.ToLower(login)
	var hash string
	row := tx.queryRow(ctx, `SELECT `+userColumns+`, u.password_hash`+userFrom+`WHERE u.email = $1 OR u.username = $1`, login)
	var u casus.User
	err := row.Scan(&u.ID, &u.Email, &u.Username, &u.Name, &u.SchoolID, &u.PartnerOrgID, &u.OrgName,
		&u.Discipline, &u.TOTPEnabled, &u.Demo, &u.SessionEpoch, &u.Disabled, &hash)
	if err != nil {
		return u, "", notFound(err, "user for login")
	}
	return u, hash, tx.loadRoles(ctx, &u)
}

func (tx *Tx) loadRoles(ctx context.Context, u *casus.User) error {
	rows, err := tx.query(ctx, `SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role`, u.ID)
	if err != nil {
		return fmt.Errorf("storage: roles: %w", err)
	}
	defer rows.Close()
	u.Roles = nil
	for rows.Next() {
		var r casus.Role
		if err := rows.Scan(&r); err != nil {
			return err
		}
		u.Roles = append(u.Roles, r)
	}
	return rows.Err()
}

// Users lists all users by name, for the beheerder.
func (tx *Tx) Users(ctx context.Context) ([]casus.User, error) {
	rows, err := tx.query(ctx, `SELECT `+userColumns+userFrom+`ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("storage: users: %w", err)
	}
	var users []casus.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range users {
		if err := tx.loadRoles(ctx, &users[i]); err != nil {
			return nil, err
		}
	}
	return users, nil
}

// SetPassword replaces a user's password hash and ends their sessions.
func (tx *Tx) SetPassword(ctx context.Context, userID, hash string) error {
	return tx.updateUser(ctx, userID, `password_hash = $2, session_epoch = session_epoch + 1`, hash)
}

// EndSessions ends every session of the user ("log out everywhere").
func (tx *Tx) EndSessions(ctx context.Context, userID string) error {
	return tx.updateUser(ctx, userID, `session_epoch = session_epoch + 1`)
}

// SetTOTP stores the user's encrypted TOTP secret and whether it is enabled.
func (tx *Tx) SetTOTP(ctx context.Context, userID, encSecret string, enabled bool) error {
	return tx.updateUser(ctx, userID, `totp_secret = $2, totp_enabled = $3, totp_last_step = 0`, encSecret, enabled)
}

// TOTPSecret returns the user's encrypted TOTP secret ("" when none).
func (tx *Tx) TOTPSecret(ctx context.Context, userID string) (string, error) {
	var s string
	err := tx.queryRow(ctx, `SELECT totp_secret FROM users WHERE id = $1`, userID).Scan(&s)
	return s, notFound(err, "totp secret")
}

// UseTOTPStep records that the code of time step was used. It returns false
// when that step or a later one was used before: a code works once.
func (tx *Tx) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
	if err != nil {
		return false, fmt.Errorf("storage: totp step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (tx *Tx) updateUser(ctx context.Context, userID, set string, args ...any) error {
	all := append([]any{userID}, args...)
	all = append(all, tx.Now())
	q := fmt.Sprintf(`UPDATE users SET %s, updated_at = $%d WHERE id = $1`, set, len(all))
	res, err := tx.exec(ctx, q, all...)
	if err != nil {
		return fmt.Errorf("storage: update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// Setting returns the value of a setting, or def when it is not set.
func (tx *Tx) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return def, nil
	}
	return v, err
}

// SetSetting stores a setting.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// PasswordHash returns the user's password hash, or ENOTFOUND.
func (tx *Tx) PasswordHash(ctx context.Context, userID string) (string, error) {
	var h string
	err := tx.queryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&h)
	return h, notFound(err, "password hash")
}

// SetRoles replaces the user's roles. It returns ENOTFOUND for an unknown
// user.
func (tx *Tx) SetRoles(ctx context.Context, userID string, roles []casus.Role) error {
	if err := tx.updateUser(ctx, userID, `name = name`); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM user_roles WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("storage: user roles: %w", err)
	}
	for _, r := range roles {
		if _, err := tx.exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, userID, string(r)); err != nil {
			return fmt.Errorf("storage: user role: %w", err)
		}
	}
	return nil
}

// Deactivate disables the account and ends its sessions: it can no longer
// log in, and receives no mail. The account and its history stay.
func (tx *Tx) Deactivate(ctx context.Context, userID string) error {
	return tx.updateUser(ctx, userID, `disabled = $2, session_epoch = session_epoch + 1`, true)
}

// Activate switches a disabled account on again. It returns ENOTFOUND for
// an unknown id.
func (tx *Tx) Activate(ctx context.Context, userID string) error {
	return tx.updateUser(ctx, userID, `disabled = $2`, false)
}
