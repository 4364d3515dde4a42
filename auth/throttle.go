package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"casus/storage"
)

// Throttle limits login attempts per account, per client address and per
// trusted device, counting in the database so every instance sees the same
// numbers. Attempts from a browser the account holder logged in from before
// (a trusted device) are counted per device only: an attacker who hammers an
// account from many addresses locks out new browsers, never the holder's own.
type Throttle struct {
	Window     time.Duration // how far back failures count
	MaxAccount int           // failures per account from untrusted browsers
	MaxAddress int           // failures per client address, any account
	MaxDevice  int           // failures per trusted device
	Key        []byte        // keys the hashes of subjects stored
}

// DefaultThrottle returns the production limits.
func DefaultThrottle(key []byte) *Throttle {
	return &Throttle{Window: 15 * time.Minute, MaxAccount: 10, MaxAddress: 100, MaxDevice: 10, Key: key}
}

// Subject hashes an account, address or device token for storage.
func (t *Throttle) Subject(kind, value string) string {
	m := hmac.New(sha256.New, t.Key)
	m.Write([]byte(kind + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// Attempt identifies one login attempt.
type Attempt struct {
	Login   string // the e-mail address or username typed, lower case
	Address string // the client address
	Device  string // the trusted-device token hash for this login, "" when none
}

func (t *Throttle) subjects(a Attempt) [][2]string {
	s := [][2]string{{storage.AttemptAddress, t.Subject("address", a.Address)}}
	if a.Device != "" {
		return append(s, [2]string{storage.AttemptDevice, t.Subject("device", a.Device)})
	}
	return append(s, [2]string{storage.AttemptAccount, t.Subject("account", a.Login)})
}

// Allow returns ErrThrottled when the attempt is over a limit. It is checked
// before the password, so refused attempts cost no hashing.
func (t *Throttle) Allow(ctx context.Context, tx *storage.Tx, a Attempt) error {
	since := tx.Now().Add(-t.Window)
	for _, s := range t.subjects(a) {
		max := map[string]int{storage.AttemptAddress: t.MaxAddress, storage.AttemptDevice: t.MaxDevice, storage.AttemptAccount: t.MaxAccount}[s[0]]
		n, err := tx.Failures(ctx, s[0], s[1], since)
		if err != nil {
			return err
		}
		if n >= max {
			return ErrThrottled
		}
	}
	return nil
}

// Record stores the outcome of an attempt that was allowed.
func (t *Throttle) Record(ctx context.Context, tx *storage.Tx, a Attempt, ok bool) error {
	for _, s := range t.subjects(a) {
		if err := tx.RecordAttempt(ctx, s[0], s[1], ok); err != nil {
			return err
		}
	}
	return nil
}

// DeviceTrustDays is how long a browser stays trusted after a full login;
// the prune job deletes trusted devices at that age.
const DeviceTrustDays = 180

// DeviceHash hashes a trusted-device cookie value for storage.
func (t *Throttle) DeviceHash(token string) string { return t.Subject("trusted-device", token) }
