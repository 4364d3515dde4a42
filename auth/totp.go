package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Sealer encrypts secrets at rest (TOTP secrets) with AES-GCM.
type Sealer struct{ aead cipher.AEAD }

// NewSealer returns a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, errKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain; additional binds the ciphertext to its owner (the
// user id), so a secret copied to another row does not decrypt.
func (s *Sealer) Seal(plain, additional string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), []byte(additional)))
}

// Open decrypts what Seal made.
func (s *Sealer) Open(sealed, additional string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", fmt.Errorf("auth: sealed value malformed")
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], []byte(additional))
	if err != nil {
		return "", fmt.Errorf("auth: sealed value does not open: %w", err)
	}
	return string(plain), nil
}

// TOTPPeriod is the length of one time step.
const TOTPPeriod = 30

// NewTOTP makes a new TOTP key for an account.
func NewTOTP(issuer, account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: TOTPPeriod})
}

// CheckTOTP checks a code against the secret at time t, allowing one step of
// clock drift either way. It returns the time step the code belongs to, which
// the caller stores so the code cannot be used twice.
func CheckTOTP(secret, code string, t time.Time) (step int64, ok bool) {
	for _, skew := range []int64{0, -1, 1} {
		at := t.Add(time.Duration(skew*TOTPPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && want == code {
			return at.Unix() / TOTPPeriod, true
		}
	}
	return 0, false
}

// TOTPCode returns the current code for a secret; tests and the demo use it.
func TOTPCode(secret string, t time.Time) string {
	code, _ := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return code
}
