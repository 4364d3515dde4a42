package storage_test

import (
	"testing"

	"casus/storage"
)

func init() {
	contracts.add("JobSQL", func(t *testing.T, c *contract) {
		jobs := c.db.JobSQL()
		if c.engine == storage.Postgres {
			if jobs != nil || c.db.Pool == nil {
				t.Error("JobSQL on PostgreSQL is not nil; River uses Pool there")
			}
			return
		}
		if jobs == nil {
			t.Fatal("JobSQL on SQLite is nil")
		}
		if jobs == c.db.SQL() {
			t.Error("JobSQL shares the write pool; the job queue needs a pool of its own")
		}
		if n := jobs.Stats().MaxOpenConnections; n != 1 {
			t.Errorf("JobSQL allows %d connections, want 1", n)
		}
		// It reaches the same file: River's tables and Casus's.
		var n int
		must(t, jobs.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM river_job`).Scan(&n))
		must(t, jobs.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM care_teams WHERE id = $1`, c.w.zat.ID).Scan(&n))
		if n != 1 {
			t.Errorf("JobSQL sees %d of the world's teams, want 1: another database?", n)
		}
		var fk string
		must(t, jobs.QueryRowContext(t.Context(), `PRAGMA foreign_keys`).Scan(&fk))
		if fk != "1" {
			t.Errorf("JobSQL has foreign_keys %s, want 1", fk)
		}
	})
}
