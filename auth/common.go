package auth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// commonPasswordsGz is the list of common and breached passwords shipped
// with the binary; commonpasswords/README.md says where it comes from and
// under which licence.
//
//go:embed commonpasswords/common-passwords.txt.gz
var commonPasswordsGz []byte

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("auth: common passwords: " + err.Error())
	}
	set := make(map[string]struct{}, 50000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if w := strings.ToLower(strings.TrimSpace(sc.Text())); w != "" {
			set[w] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		panic("auth: common passwords: " + err.Error())
	}
	return set
})

// minDistinct is how many different characters a password needs at least:
// "aaaaaaaaaaaa" and "abababababab" are long but guessed at once.
const minDistinct = 5

// IsCommonPassword reports whether password is one attackers try first: on
// the list of common and breached passwords (ignoring case), such a password
// with digits or symbols added before or after it ("password1234"), or a
// password of only a few different characters.
func IsCommonPassword(password string) bool {
	lower := strings.ToLower(strings.TrimSpace(password))
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < minDistinct {
		return true
	}
	set := commonPasswords()
	if _, ok := set[lower]; ok {
		return true
	}
	// The list holds the words; people add a year or "123!" to reach the
	// length rule. A short remainder (under 4 characters) is not judged by
	// itself: "ab" followed by twelve digits is caught by the digits.
	core := strings.TrimFunc(lower, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	if core == "" {
		// Only digits and symbols: judged as a whole above.
		return false
	}
	if _, ok := set[core]; ok && len([]rune(core)) >= 4 {
		return true
	}
	return false
}
