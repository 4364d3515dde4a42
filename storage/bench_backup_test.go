package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// BenchmarkBackupRestore measures a backup and a restore into a fresh place
// of a database holding 100,000 access-log entries (a school's years of
// reads), each restore checked against the manifest:
//
//	go test ./storage -run '^$' -bench BackupRestore -benchtime 1x
func BenchmarkBackupRestore(b *testing.B) {
	const entries, batch = 100_000, 1_000
	for _, engine := range storagetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := storagetest.Open(b, engine, func() time.Time { return time.Now() })
			ctx := context.Background()
			student := casus.NewID()
			e := casus.AccessEntry{UserID: casus.NewID(), UserName: "Bench", Role: casus.RoleCoordinator, OrgName: "ROC",
				Relation: casus.RelCoordinator, StudentID: student, ObjectKind: "student", ObjectID: student,
				Action: casus.ActRead, Purpose: "benchmark", RequestID: "bench", Instance: "bench", Outcome: casus.OutcomeGranted}
			for range entries / batch {
				if err := db.Update(ctx, func(tx *storage.Tx) error {
					for range batch {
						entry := e
						if err := tx.LogAccess(ctx, &entry); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			var backup, restore time.Duration
			var rows int64
			for i := 0; b.Loop(); i++ {
				dir := filepath.Join(b.TempDir(), fmt.Sprint("backup", i))
				start := time.Now()
				m, err := db.Backup(ctx, dir)
				if err != nil {
					b.Fatal(err)
				}
				backup += time.Since(start)
				rows = m.Rows()
				target := storage.RestoreTarget{Dir: b.TempDir()}
				if engine == storage.Postgres {
					target = storage.RestoreTarget{URL: storagetest.DatabaseURL(b)}
				}
				start = time.Now()
				if _, err := storage.Restore(ctx, dir, target); err != nil {
					b.Fatal(err)
				}
				restore += time.Since(start)
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(backup.Seconds()/float64(b.N), "backup-s")
			b.ReportMetric(restore.Seconds()/float64(b.N), "restore-s")
		})
	}
}
