package storage_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"casus/storage"
	"casus/storage/storagetest"
)

// TestOpenRefusesUndurablePostgres: with synchronous_commit off for the
// database (ALTER DATABASE, so the server's own configuration stays as it
// is), Open refuses, naming the setting; back on, Open succeeds.
func TestOpenRefusesUndurablePostgres(t *testing.T) {
	for range storagetest.PostgresOnly(t) {
		dbURL := storagetest.DatabaseURL(t)
		conn, err := pgx.Connect(t.Context(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(t.Context())
		alter := func(value string) {
			t.Helper()
			if _, err := conn.Exec(t.Context(), `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = `+value+`', current_database()); END $$`); err != nil {
				t.Fatal(err)
			}
		}
		alter("off")
		db, err := storage.Open(t.Context(), storage.Config{URL: dbURL, AuditKey: storagetest.AuditKey})
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded with synchronous_commit off")
		}
		if !strings.Contains(err.Error(), "synchronous_commit is off") {
			t.Errorf("Open: %v, want the setting named", err)
		}
		alter("on")
		db, err = storage.Open(t.Context(), storage.Config{URL: dbURL, AuditKey: storagetest.AuditKey})
		if err != nil {
			t.Fatalf("Open with synchronous_commit on: %v", err)
		}
		db.Close()
	}
}
