package storage

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLiteDurability: a connection with synchronous below FULL is
// refused with a message naming the setting; FULL and EXTRA pass. Open's
// own connections are FULL (TestOpen checks the pragma); this is the guard
// that stops a change of the DSN from weakening it unnoticed.
func TestSQLiteDurability(t *testing.T) {
	for _, tc := range []struct {
		pragma, want string
	}{
		{"OFF", "SQLite synchronous is OFF"},
		{"NORMAL", "SQLite synchronous is NORMAL"},
		{"FULL", ""},
		{"EXTRA", ""},
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			pool, err := sql.Open("sqlite", sqliteURI(filepath.Join(t.TempDir(), "casus.db"), "synchronous("+tc.pragma+")"))
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			err = sqliteDurability(t.Context(), pool)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("synchronous %s refused: %v", tc.pragma, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("synchronous %s: %v, want an error naming %q", tc.pragma, err, tc.want)
			}
		})
	}
}
