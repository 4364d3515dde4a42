package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/storage"
	"casus/storage/storagetest"
)

// retentionDemo loads the demo, then lets Lotte and Noor leave school with
// their cases closed, now. Lotte's file gets a care entry and a lifted
// legal hold; Noor's an active legal hold. It returns the database, its
// clock, and the ids of Lotte and Noor.
func retentionDemo(t *testing.T, engine string) (*storage.DB, *storagetest.Clock, string, string) {
	t.Helper()
	db, clock, _ := demoDB(t, engine, demoHash(t))
	lotte, noor := studentID(t, db, demo.LotteNumber), studentID(t, db, demo.FollowUpNumber)
	coord := userID(t, db, demo.UserCoordinator)
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		for _, id := range []string{lotte, noor} {
			cases, err := tx.Cases(ctx, id)
			if err != nil {
				return err
			}
			for _, c := range casus.OpenCases(cases) {
				if err := tx.CloseCase(ctx, c.ID, casus.CloseLeft, "Vertrokken zonder diploma; Jongerenloket ingelicht.", coord); err != nil {
					return err
				}
			}
		}
		e := casus.CareEntry{StudentID: lotte, AuthorID: coord, Current: casus.EntryVersion{Kind: "contact",
			Visibility: "care_team", OccurredOn: clock.Now(), Text: "Afscheidsgesprek met Lotte over haar vervolgopleiding."}}
		if err := tx.AddCareEntry(ctx, &e); err != nil {
			return err
		}
		lifted := casus.LegalHold{StudentID: lotte, Reason: "Klacht van moeder in behandeling.", SetBy: coord}
		if err := tx.AddLegalHold(ctx, &lifted); err != nil {
			return err
		}
		if err := tx.LiftLegalHold(ctx, lotte, lifted.ID, coord, "Klacht afgehandeld."); err != nil {
			return err
		}
		if err := tx.AddLegalHold(ctx, &casus.LegalHold{StudentID: noor, Reason: "Rechtszaak loopt.", SetBy: coord}); err != nil {
			return err
		}
		// An access-log entry of today, past its retention in two years
		// (one about Noor would stay while her hold applies).
		return tx.LogAccess(ctx, &casus.AccessEntry{UserID: coord, UserName: "Coördinator", Role: casus.RoleCoordinator,
			Relation: casus.RelCoordinator, StudentID: lotte, ObjectKind: "student", ObjectID: lotte, Action: casus.ActRead,
			Purpose: "test", Outcome: casus.OutcomeGranted})
	})
	sqlExec(t, db, `UPDATE students SET left_at = $1 WHERE id IN ($2, $3)`, clock.Now().UTC(), lotte, noor)
	return db, clock, lotte, noor
}

// TestDestroyExpired is the acceptance test of retention: two years and a
// day after Lotte left school the daily job destroys her file and keeps
// only a destruction record without her name, date of birth or texts; no
// row anywhere refers to her any more (the access log keeps its own
// retention); a second run destroys nothing more; Noor, under a legal
// hold, keeps her file; a dry run before changed nothing.
func TestDestroyExpired(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, clock, lotte, noor := retentionDemo(t, engine)
			var first, last, dob string
			must(t, db.ReadSQL().QueryRowContext(ctx, `SELECT first_name, last_name, date_of_birth FROM students WHERE id = $1`, lotte).
				Scan(&first, &last, new(any)))
			var born time.Time
			must(t, db.ReadSQL().QueryRowContext(ctx, `SELECT date_of_birth FROM students WHERE id = $1`, lotte).Scan(&born))
			dob = born.Format("2006-01-02")
			texts := column(t, db, `SELECT v.body FROM care_entry_versions v JOIN care_entries e ON e.id = v.entry_id WHERE e.student_id = $1`, lotte)
			texts = append(texts, column(t, db, `SELECT reason FROM referrals WHERE student_id = $1 AND reason <> ''`, lotte)...)
			texts = append(texts, column(t, db, `SELECT reason FROM legal_holds WHERE student_id = $1`, lotte)...)
			caseIDs := column(t, db, `SELECT CAST(id AS TEXT) FROM cases WHERE student_id = $1`, lotte)
			if len(texts) < 3 || len(caseIDs) < 2 {
				t.Fatalf("Lotte's file is thin: %d texts, %d cases", len(texts), len(caseIDs))
			}
			// The search that must come back empty afterwards finds her now.
			if refs := storagetest.Referencing(t, db, lotte, "access_log"); len(refs) < 8 {
				t.Fatalf("before destruction Lotte is referenced only in %v", refs)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetAccessLogMonths(ctx, 12) })

			// A day short of two years only the two Techniek students who
			// left weeks earlier have expired, not Lotte.
			clock.Set(clock.Now().AddDate(2, 0, -1))
			ds, err := db.DestroyExpired(ctx, clock.Now(), true)
			must(t, err)
			if files := countFiles(ds); files != 2 {
				t.Errorf("a day early, the dry run would destroy %d files, want 2: %+v", files, ds)
			}

			clock.Set(clock.Now().AddDate(0, 0, 2))
			// The other jobs run first, so what they add about Lotte
			// (aftercare, messages) exists before the destruction.
			for _, run := range []func(context.Context, *storage.DB) (int, error){jobs.CreateAftercareTasks,
				jobs.RemindOverdueActions, jobs.ScheduleFollowUps, jobs.RemindExpiringConsent} {
				_, err := run(ctx, db)
				must(t, err)
			}

			t.Run("DryRun", func(t *testing.T) {
				ds, err := db.DestroyExpired(ctx, clock.Now(), true)
				must(t, err)
				files := countFiles(ds)
				// Lotte and the two Techniek students who left; not Noor.
				if files != 3 {
					t.Errorf("the dry run would destroy %d files, want 3: %+v", files, ds)
				}
				if n := count(t, db, `SELECT COUNT(*) FROM students WHERE id = $1`, lotte); n != 1 {
					t.Error("the dry run destroyed Lotte")
				}
				if n := count(t, db, `SELECT COUNT(*) FROM destructions`); n != 0 {
					t.Errorf("the dry run stored %d destruction records", n)
				}
			})

			start(t, db, nil)
			waitFor(t, "the retention job to complete", func() bool {
				return count(t, db, `SELECT COUNT(*) FROM river_job WHERE kind = $1 AND state = 'completed'`,
					jobs.DestroyExpiredArgs{}.Kind()) == 1
			})

			t.Run("Destroyed", func(t *testing.T) {
				for _, id := range append([]string{lotte}, caseIDs...) {
					if refs := storagetest.Referencing(t, db, id, "access_log"); len(refs) > 0 {
						t.Errorf("rows still refer to %s after destruction: %v", id, refs)
					}
				}
				if n := count(t, db, `SELECT COUNT(*) FROM destructions WHERE kind = 'student_file' AND cause = 'retention'`); n != 3 {
					t.Errorf("%d file destruction records, want 3", n)
				}
				if n := count(t, db, `SELECT COUNT(*) FROM destructions WHERE kind = 'access_log'`); n != 1 {
					t.Errorf("%d access-log destruction records, want 1", n)
				}
				if _, err := db.VerifyAccessLog(ctx); err != nil {
					t.Errorf("the access log does not verify after pruning: %v", err)
				}
			})

			t.Run("RecordHoldsNoPersonalData", func(t *testing.T) {
				for _, s := range append([]string{first, last, dob, lotte}, texts...) {
					if refs := storagetest.Referencing(t, db, s); refs["destructions"] > 0 {
						t.Errorf("the destructions table holds %q", s)
					}
				}
				view(t, db, func(ctx context.Context, tx *storage.Tx) error {
					ds, err := tx.Destructions(ctx, 10)
					for _, d := range ds {
						if d.Kind == "student_file" && (d.Counts["students"] != 1 || d.Token == "" || d.Rule != "student_file: 24 months" ||
							d.PeriodTo == nil || d.PeriodTo.Day() != 1) {
							t.Errorf("destruction record %+v", d)
						}
					}
					return err
				})
			})

			t.Run("HoldKeeps", func(t *testing.T) {
				if n := count(t, db, `SELECT COUNT(*) FROM students WHERE id = $1`, noor); n != 1 {
					t.Fatal("Noor's file was destroyed despite the legal hold")
				}
				if n := count(t, db, `SELECT COUNT(*) FROM cases WHERE student_id = $1`, noor); n == 0 {
					t.Error("Noor's cases are gone")
				}
			})

			t.Run("SecondRunNothingMore", func(t *testing.T) {
				before := count(t, db, `SELECT COUNT(*) FROM destructions`)
				ds, err := jobs.DestroyExpired(ctx, db)
				must(t, err)
				if len(ds) != 0 || count(t, db, `SELECT COUNT(*) FROM destructions`) != before {
					t.Errorf("the second run destroyed %+v", ds)
				}
			})

			t.Run("HoldLifted", func(t *testing.T) {
				coord := userID(t, db, demo.UserCoordinator)
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					hs, err := tx.LegalHolds(ctx, noor)
					if err != nil || len(hs) != 1 {
						t.Fatalf("Noor's holds: %v, %v", hs, err)
					}
					return tx.LiftLegalHold(ctx, noor, hs[0].ID, coord, "Rechtszaak afgerond.")
				})
				ds, err := jobs.DestroyExpired(ctx, db)
				must(t, err)
				if len(ds) != 1 || count(t, db, `SELECT COUNT(*) FROM students WHERE id = $1`, noor) != 0 {
					t.Errorf("after the hold was lifted: %+v", ds)
				}
			})
		})
	}
}

func countFiles(ds []casus.Destruction) int {
	n := 0
	for _, d := range ds {
		if d.Kind == "student_file" {
			n++
		}
	}
	return n
}

func studentID(t *testing.T, db *storage.DB, number string) string {
	t.Helper()
	var id string
	must(t, db.ReadSQL().QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM students WHERE student_number = $1`, number).Scan(&id))
	return id
}

func userID(t *testing.T, db *storage.DB, login string) string {
	t.Helper()
	var id string
	view(t, db, func(ctx context.Context, tx *storage.Tx) error {
		u, _, err := tx.UserForLogin(ctx, login)
		id = u.ID
		return err
	})
	return id
}

func count(t *testing.T, db *storage.DB, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, db.ReadSQL().QueryRowContext(t.Context(), q, args...).Scan(&n))
	return n
}

func column(t *testing.T, db *storage.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.ReadSQL().QueryContext(t.Context(), q, args...)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		must(t, rows.Scan(&s))
		out = append(out, strings.TrimSpace(s))
	}
	must(t, rows.Err())
	return out
}

func sqlExec(t *testing.T, db *storage.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.SQL().ExecContext(t.Context(), q, args...); err != nil {
		t.Fatal(err)
	}
}
