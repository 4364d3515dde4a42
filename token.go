package casus

import (
	"crypto/sha256"
	"encoding/hex"
)

// TokenHash is what Casus stores of a bearer secret — a session token, a
// password-reset link's token: its SHA-256 in hex. The secrets carry 256
// random bits, so a plain hash suffices (there is nothing to guess), and a
// reader of the database or of a backup finds nothing to present as the
// secret itself.
func TokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
