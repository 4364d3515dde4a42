package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestDestructionCoversSchema: every table of the schema is either one the
// destruction of a student's file deletes from, or on the explicit list of
// tables kept (no student data, or their own retention). A new table in
// neither fails here, so it cannot be forgotten; a kept table with a
// student_id column fails too.
func TestDestructionCoversSchema(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		destroyed := map[string]bool{}
		for _, table := range storage.StudentTables() {
			destroyed[table] = true
		}
		tables := storagetest.Tables(t, db)
		if len(tables) < 40 {
			t.Fatalf("catalog lists %d tables: %v", len(tables), tables)
		}
		for _, table := range tables {
			_, kept := storage.KeptTables[table]
			switch {
			case destroyed[table] && kept:
				t.Errorf("table %s is both destroyed per student and kept", table)
			case !destroyed[table] && !kept:
				t.Errorf("table %s is neither destroyed per student (storage.studentSteps) nor in storage.KeptTables: "+
					"decide whether it holds student data", table)
			case kept && table != "access_log" && slices.Contains(storagetest.Columns(t, db, table), "student_id"):
				t.Errorf("kept table %s has a student_id column", table)
			}
		}
		for table := range destroyed {
			if !slices.Contains(tables, table) {
				t.Errorf("destruction names table %s, which the schema does not have", table)
			}
		}
		for table := range storage.KeptTables {
			if !slices.Contains(tables, table) && !strings.HasPrefix(table, "river_") {
				t.Errorf("KeptTables names table %s, which the schema does not have", table)
			}
		}
	})
}

// TestPruneAccessLog: entries older than the cutoff go from the start of
// the log, the chain stays verifiable from its anchor, the pruning leaves a
// destruction record, and without the destruction path a delete is still
// refused.
func TestPruneAccessLog(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC))
			db := storagetest.Open(t, engine, clock.Now)
			logEntries(t, db, clock, 3)
			clock.Set(time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC))
			logEntries(t, db, clock, 2)
			cutoff := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			d := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
				return tx.PruneAccessLog(ctx, cutoff)
			})
			if d.Counts["access_log"] != 3 || d.Kind != "access_log" || d.Token == "" {
				t.Errorf("pruning = %+v, want 3 access_log rows", d)
			}
			if n, err := db.VerifyAccessLog(t.Context()); err != nil || n != 2 {
				t.Errorf("VerifyAccessLog after pruning = %d, %v; want 2, nil", n, err)
			}
			var left int
			must(t, db.ReadSQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM access_log`).Scan(&left))
			if left != 2 {
				t.Errorf("%d entries left, want 2", left)
			}
			again := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
				return tx.PruneAccessLog(ctx, cutoff)
			})
			if again.Total() != 0 {
				t.Errorf("second pruning = %+v, want nothing", again)
			}
			// New entries continue the chain.
			logEntries(t, db, clock, 1)
			if n, err := db.VerifyAccessLog(t.Context()); err != nil || n != 3 {
				t.Errorf("VerifyAccessLog after a new entry = %d, %v; want 3, nil", n, err)
			}
			// Outside the destruction path rows stay undeletable.
			if _, err := db.SQL().ExecContext(t.Context(), `DELETE FROM access_log`); err == nil {
				t.Error("DELETE FROM access_log without a permit succeeded")
			}
			// An anchor moved back does not hide the pruned entries' absence.
			if _, err := db.SQL().ExecContext(t.Context(), `UPDATE access_log_anchor SET seq = 0, hash = ''`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.VerifyAccessLog(t.Context()); err == nil {
				t.Error("VerifyAccessLog with the anchor reset succeeded")
			}
			var permits int
			must(t, db.ReadSQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM destruction_permits`).Scan(&permits))
			if permits != 0 {
				t.Errorf("%d destruction permits left behind", permits)
			}
			ds := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Destruction, error) {
				return tx.Destructions(ctx, 10)
			})
			if len(ds) != 1 || ds[0].PeriodFrom == nil || ds[0].PeriodFrom.Year() != 2020 || ds[0].Rule != "access_log: 60 months" {
				t.Errorf("destructions = %+v", ds)
			}
		})
	}
}

// TestDestroyExpiredConcurrently: two instances destroying at once on one
// PostgreSQL database destroy a file once; neither fails.
func TestDestroyExpiredConcurrently(t *testing.T) {
	for _, engine := range storagetest.PostgresOnly(t) { // one process owns a SQLite file
		t.Run(engine, func(t *testing.T) {
			url := storagetest.DatabaseURL(t)
			open := func(instance string) *storage.DB {
				db, err := storage.Open(t.Context(), storage.Config{URL: url, Instance: instance, AuditKey: storagetest.AuditKey})
				must(t, err)
				t.Cleanup(func() { db.Close() })
				return db
			}
			a, b := open("a"), open("b")
			w := seed(t, a)
			left := time.Now().UTC().AddDate(-3, 0, 0)
			if _, err := a.SQL().ExecContext(t.Context(), `UPDATE students SET left_at = $1 WHERE id = $2`, left, w.bram.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.SQL().ExecContext(t.Context(), `UPDATE cases SET opened_at = $1 WHERE student_id = $2`, left, w.bram.ID); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				errs := make(chan error, 2)
				for _, db := range []*storage.DB{a, b} {
					go func() {
						_, err := db.DestroyExpired(t.Context(), time.Now().UTC(), false)
						errs <- err
					}()
				}
				must(t, <-errs)
				must(t, <-errs)
			}
			var n int
			must(t, a.ReadSQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM destructions WHERE kind = 'student_file'`).Scan(&n))
			if n != 1 {
				t.Errorf("%d destruction records, want 1", n)
			}
			if refs := storagetest.Referencing(t, a, w.bram.ID, "access_log"); len(refs) > 0 {
				t.Errorf("rows still refer to Bram: %v", refs)
			}
		})
	}
}

// TestPruneAccessLogHold: a legal hold keeps the access log of the student
// too, and with it every later entry (the log is pruned from its start).
func TestPruneAccessLogHold(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC))
			db := storagetest.Open(t, engine, clock.Now)
			w := seed(t, db)
			logEntries(t, db, clock, 2)
			e := casus.AccessEntry{UserID: w.coordinator.ID, UserName: "C", Role: casus.RoleCoordinator, StudentID: w.sanne.ID,
				ObjectKind: "student", ObjectID: w.sanne.ID, Action: casus.ActRead, Purpose: "student page", Outcome: casus.OutcomeGranted}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &e) })
			logEntries(t, db, clock, 2)
			var hold casus.LegalHold
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				hold = casus.LegalHold{StudentID: w.sanne.ID, Reason: "Klacht.", SetBy: w.coordinator.ID}
				return tx.AddLegalHold(ctx, &hold)
			})
			cutoff := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			prune := func() int {
				return updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
					return tx.PruneAccessLog(ctx, cutoff)
				}).Counts["access_log"]
			}
			before := 0
			must(t, db.ReadSQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM access_log`).Scan(&before))
			if n := prune(); n != 2 {
				t.Errorf("pruned %d entries under the hold, want the 2 before Sanne's", n)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.LiftLegalHold(ctx, w.sanne.ID, hold.ID, w.coordinator.ID, "Afgehandeld.")
			})
			if n := prune(); n != before-2 {
				t.Errorf("pruned %d entries after the hold was lifted, want %d", n, before-2)
			}
			if _, err := db.VerifyAccessLog(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
}
