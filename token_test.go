package casus

import "testing"

func TestTokenHash(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := TokenHash("abc"); got != abc {
		t.Errorf("TokenHash(abc) = %s, want %s", got, abc)
	}
	if TokenHash("a") == TokenHash("b") {
		t.Error("two secrets share a hash")
	}
}
