package storage

import (
	"context"
	"fmt"
	"time"

	"casus"
)

// Login-attempt subject kinds.
const (
	AttemptAccount = "account" // by account, for attempts from browsers the account never logged in from
	AttemptAddress = "address" // by client address
	AttemptDevice  = "device"  // by trusted-device token
)

// RecordAttempt stores a login attempt for throttling. subject is a keyed
// hash, never an address or e-mail in the clear.
func (tx *Tx) RecordAttempt(ctx context.Context, kind, subject string, ok bool) error {
	return tx.insert(ctx, "login attempt", `INSERT INTO login_attempts (kind, subject, at, ok) VALUES ($1, $2, $3, $4)`,
		kind, subject, tx.Now(), ok)
}

// Failures counts failed attempts for the subject since t, stopping at the
// last success. Insertion order (id), not time, decides what came after the
// success: two attempts can share a timestamp.
func (tx *Tx) Failures(ctx context.Context, kind, subject string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE kind = $1 AND subject = $2 AND at >= $3 AND NOT ok
		AND id > COALESCE((SELECT MAX(id) FROM login_attempts WHERE kind = $1 AND subject = $2 AND ok), 0)`,
		kind, subject, since.UTC().Truncate(time.Microsecond)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: failures: %w", err)
	}
	return n, nil
}

// RecentFailures counts failed attempts for the subject since t, whatever
// succeeded in between: a sliding window, for counts a success must not
// reset (a client address, where one owned account would otherwise reset the
// count of guesses at others).
func (tx *Tx) RecentFailures(ctx context.Context, kind, subject string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE kind = $1 AND subject = $2 AND at >= $3 AND NOT ok`,
		kind, subject, since.UTC().Truncate(time.Microsecond)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: recent failures: %w", err)
	}
	return n, nil
}

// LockoutRecorded reports whether the security-event log has a refusal by
// the login throttle (casus.SecLoginLocked) of the same target from the same
// client address since t. One lockout is recorded once, not once for every
// refused attempt: refusals cost an attacker nothing, so each must cost the
// database little too.
func (tx *Tx) LockoutRecorded(ctx context.Context, e *casus.SecurityEvent, since time.Time) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM security_events WHERE kind = $1 AND at >= $2
		AND client_addr = $3 AND target_id = $4 AND target_name = $5`,
		string(casus.SecLoginLocked), since.UTC().Truncate(time.Microsecond), e.ClientAddr, e.TargetID, e.TargetName).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: lockout recorded: %w", err)
	}
	return n > 0, nil
}

// PruneAttempts deletes attempts older than t.
func (tx *Tx) PruneAttempts(ctx context.Context, before time.Time) error {
	_, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE at < $1`, before.UTC().Truncate(time.Microsecond))
	return err
}

// TrustDevice records that a browser completed a full login for the user.
func (tx *Tx) TrustDevice(ctx context.Context, tokenHash, userID string) error {
	return tx.insert(ctx, "trusted device", `INSERT INTO trusted_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (token_hash) DO NOTHING`, tokenHash, userID, tx.Now())
}

// PruneTrustedDevices deletes the trusted devices created before before. The
// caller passes the trust period's start: older devices no longer count as
// trusted (see DeviceTrusted), so keeping them only keeps traces of where
// accounts logged in.
func (tx *Tx) PruneTrustedDevices(ctx context.Context, before time.Time) error {
	if _, err := tx.exec(ctx, `DELETE FROM trusted_devices WHERE created_at < $1`, before.UTC().Truncate(time.Microsecond)); err != nil {
		return fmt.Errorf("storage: prune trusted devices: %w", err)
	}
	return nil
}

// DeviceTrusted reports whether the token hash is a trusted device of the user
// created after since.
func (tx *Tx) DeviceTrusted(ctx context.Context, tokenHash, userID string, since time.Time) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM trusted_devices WHERE token_hash = $1 AND user_id = $2 AND created_at >= $3`,
		tokenHash, userID, since.UTC().Truncate(time.Microsecond)).Scan(&n)
	return n > 0, err
}
