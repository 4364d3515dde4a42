// Package auth holds the pieces of logging in that are not HTTP: password
// hashing, two-factor codes with encrypted secrets, and login throttling
// stored in the database so it holds across instances.
package auth

import (
	"errors"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"casus"
)

// Params are the argon2id parameters: above OWASP's minimum (m=19 MiB, t=2, p=1).
var Params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Password length limits, in characters. The upper bound (at most 1 KiB in
// UTF-8) keeps hashing cost bounded.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// HashPassword returns the $argon2id$ hash of a password.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, Params)
}

// dummyHash is compared against when no user matches, so a failed login
// takes as long whether or not the account exists.
var dummyHash, _ = argon2id.CreateHash("casus-no-such-user", Params)

// CheckPassword reports whether password matches hash; an empty hash is
// compared against a dummy so timing does not reveal unknown accounts.
func CheckPassword(password, hash string) bool {
	if hash == "" {
		argon2id.ComparePasswordAndHash(password, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// ValidateNewPassword checks a password someone chooses: its length, and
// that it is not a common or breached one (IsCommonPassword).
func ValidateNewPassword(field, password string) *casus.Error {
	switch n := utf8.RuneCountInString(password); {
	case !utf8.ValidString(password):
		return casus.FieldError(field, "error.invalid_text", nil)
	case n < MinPasswordLen:
		return casus.FieldError(field, "error.password_short", map[string]any{"Min": MinPasswordLen})
	case n > MaxPasswordLen:
		return casus.FieldError(field, "error.too_long", map[string]any{"Max": MaxPasswordLen})
	case IsCommonPassword(password):
		return casus.FieldError(field, "error.password_common", nil)
	}
	return nil
}

// ErrBadCredentials is the one message for every failed login: it never says
// whether the account exists.
var ErrBadCredentials = &casus.Error{Code: casus.EUNAUTH, Key: "error.bad_credentials"}

// ErrThrottled says to wait before trying again.
var ErrThrottled = &casus.Error{Code: casus.ETHROTTLED, Key: "error.throttled"}

var errKey = errors.New("auth: the secret key must be 32 bytes")
