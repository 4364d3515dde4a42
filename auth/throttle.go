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
// numbers.
//
// Attempts from a browser the account holder logged in from before (a
// trusted device) are limited per device only: an attacker who hammers an
// account from many addresses locks out new browsers, never the holder's own;
// and a pupil who fails a hundred logins from the school's one NAT address
// locks out new browsers at that address, never the teachers' own.
//
// Address failures count in a sliding window, whatever succeeded in between:
// an attacker who owns one account cannot reset the address's count by
// logging in to it between guesses. Account and device counts do restart at
// a success, which only the account holder's password can bring.
//
// Before refusing, the throttle slows down: from half a limit on, each
// further failure doubles the wait before the password is checked, up to
// MaxDelay.
type Throttle struct {
	Window     time.Duration // how far back failures count
	MaxAccount int           // failures per account from untrusted browsers
	MaxAddress int           // failures per client address from untrusted browsers, any account
	MaxDevice  int           // failures per trusted device
	Key        []byte        // keys the hashes of subjects stored

	BaseDelay time.Duration // the first delay, at half a limit; zero never slows down
	MaxDelay  time.Duration // the longest delay
	// Sleep waits d or until ctx ends; nil sleeps for real. Tests inject
	// one that records the delays instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultThrottle returns the production limits.
func DefaultThrottle(key []byte) *Throttle {
	return &Throttle{Window: 15 * time.Minute, MaxAccount: 10, MaxAddress: 100, MaxDevice: 10, Key: key,
		BaseDelay: 250 * time.Millisecond, MaxDelay: 4 * time.Second}
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

// subject is one count an attempt is recorded under.
type subject struct {
	kind, hash string
	max        int
	checked    bool // whether the limit applies to this attempt
	sliding    bool // whether failures count across successes
}

func (t *Throttle) subjects(a Attempt) []subject {
	// Every failure counts against the address, but a trusted device is
	// never refused by it.
	s := []subject{{kind: storage.AttemptAddress, hash: t.Subject("address", a.Address), max: t.MaxAddress,
		checked: a.Device == "", sliding: true}}
	if a.Device != "" {
		return append(s, subject{kind: storage.AttemptDevice, hash: t.Subject("device", a.Device), max: t.MaxDevice, checked: true})
	}
	return append(s, subject{kind: storage.AttemptAccount, hash: t.Subject("account", a.Login), max: t.MaxAccount, checked: true})
}

// Allow returns ErrThrottled when the attempt is over a limit, and otherwise
// how long to wait (see Wait) before checking the password. It is called
// before the password, so refused attempts cost no hashing.
func (t *Throttle) Allow(ctx context.Context, tx *storage.Tx, a Attempt) (time.Duration, error) {
	since := tx.Now().Add(-t.Window)
	var delay time.Duration
	for _, s := range t.subjects(a) {
		if !s.checked {
			continue
		}
		count := tx.Failures
		if s.sliding {
			count = tx.RecentFailures
		}
		n, err := count(ctx, s.kind, s.hash, since)
		if err != nil {
			return 0, err
		}
		if n >= s.max {
			return 0, ErrThrottled
		}
		delay = max(delay, t.delay(n, s.max))
	}
	return delay, nil
}

// delay is the wait after n failures of at most limit: none below half the
// limit, then BaseDelay doubling with every failure, up to MaxDelay.
func (t *Throttle) delay(n, limit int) time.Duration {
	half := max(limit/2, 1)
	if t.BaseDelay <= 0 || n < half {
		return 0
	}
	d := t.BaseDelay
	for i := half; i < n && d < t.MaxDelay; i++ {
		d *= 2
	}
	return min(d, max(t.MaxDelay, t.BaseDelay))
}

// Wait sleeps the delay Allow asked for; it returns early with the
// context's error when the client goes away.
func (t *Throttle) Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Record stores the outcome of an attempt that was allowed.
func (t *Throttle) Record(ctx context.Context, tx *storage.Tx, a Attempt, ok bool) error {
	for _, s := range t.subjects(a) {
		if err := tx.RecordAttempt(ctx, s.kind, s.hash, ok); err != nil {
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
