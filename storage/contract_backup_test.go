package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"casus/storage"
	"casus/storage/storagetest"
)

func init() {
	contracts.add("Backup", func(t *testing.T, c *contract) {
		dir := filepath.Join(t.TempDir(), "backup")
		m, err := c.db.Backup(t.Context(), dir)
		if err != nil {
			t.Fatalf("Backup: %v", err)
		}
		// The manifest counts what the database holds (nothing writes
		// during a contract case) and is the one on disk.
		for _, table := range []string{"students", "users", "schools", "goose_db_version"} {
			if got, want := m.Tables[table].Rows, int64(countB(t, c, `SELECT COUNT(*) FROM `+table)); got != want || want == 0 {
				t.Errorf("manifest: %s %d rows, the database %d; want equal, > 0", table, got, want)
			}
		}
		onDisk, err := storage.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if onDisk.FileSHA256 != m.FileSHA256 || len(onDisk.Tables) != len(m.Tables) || onDisk.Engine != c.engine {
			t.Errorf("manifest on disk %+v differs from the returned one", onDisk)
		}
		if fi, err := os.Stat(filepath.Join(dir, m.File)); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("backup file mode %v, want 0600 (it holds student data)", fi.Mode().Perm())
		}
		if _, err := c.db.Backup(t.Context(), dir); err == nil {
			t.Error("a second Backup into the same directory succeeded, want a refusal")
		}

		// Restored into a fresh place, every table's rows and checksum equal
		// the manifest, and the restored database opens.
		target := storage.RestoreTarget{Dir: t.TempDir()}
		if c.engine == storage.Postgres {
			target = storage.RestoreTarget{URL: storagetest.DatabaseURL(t)}
		}
		if _, err := storage.Restore(t.Context(), dir, target); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		// A second restore into the now filled target is refused, unless forced.
		if _, err := storage.Restore(t.Context(), dir, target); !errors.Is(err, storage.ErrNotEmpty) {
			t.Errorf("Restore into a filled target = %v, want ErrNotEmpty", err)
		}
		target.Force = true
		if _, err := storage.Restore(t.Context(), dir, target); err != nil {
			t.Errorf("forced Restore: %v", err)
		}
		// A damaged backup file is refused before anything is restored.
		f, err := os.OpenFile(filepath.Join(dir, m.File), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("x"))
		f.Close()
		if _, err := storage.Restore(t.Context(), dir, target); err == nil {
			t.Error("Restore of a damaged backup succeeded")
		}
	})
}
