package auth

import "testing"

// TestCommonPasswordsRefused: a password of the right length is still
// refused when it is common or breached, a list word with digits or symbols
// around it, or made of a few characters; a passphrase is accepted.
func TestCommonPasswordsRefused(t *testing.T) {
	for _, tc := range []struct {
		password string
		refused  bool
	}{
		{"aaaaaaaaaaaa", true},
		{"password1234", true},
		{"Password1234!", true},
		{"PASSWORD1234", true},
		{"2026!password", true},
		{"qwertyuiop123", true},
		{"abababababab", true},
		{"123412341234", true},
		{"baseball1234", true},
		{"een-goed-wachtwoord-2026", false},
		{"paard batterij nietje correct", false},
		{"x7#Lq9!vRt2@", false},
	} {
		t.Run(tc.password, func(t *testing.T) {
			err := ValidateNewPassword("password", tc.password)
			if got := err != nil; got != tc.refused {
				t.Fatalf("refused = %v (%v), want %v", got, err, tc.refused)
			}
			if tc.refused && err.Key != "error.password_common" {
				t.Errorf("key %q, want error.password_common", err.Key)
			}
		})
	}
	if n := len(commonPasswords()); n < 40000 {
		t.Errorf("the embedded list has %d passwords, want the whole list", n)
	}
}
