package storage_test

import (
	"os"
	"path/filepath"
	"testing"

	"casus/storage"
	"casus/storage/storagetest"
)

// TestSQLiteDirWithURICharacters: a data directory whose name holds '#' or
// '?' (as a second subtest's "sqlite#01" does) gets its database inside it,
// not in a file named after the part before the '#'.
func TestSQLiteDirWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data#01?x=1%")
	db, err := storage.Open(t.Context(), storage.Config{Dir: dir, AuditKey: storagetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, "casus.db")); err != nil {
		t.Errorf("no database in %s: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "data")); err == nil {
		t.Errorf("the database went to a file named after the part before '#'")
	}
}
