package casus_test

import (
	"testing"

	"casus"
)

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"kort", 10, "kort"},
		{"precies tien", 12, "precies tien"},
		{"coördinatie en zorg", 6, "coörd…"},
	} {
		if got := casus.Shorten(tc.in, tc.n); got != tc.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
