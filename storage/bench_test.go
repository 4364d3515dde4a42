package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// BenchmarkAccessLogWrite measures one access-log entry in its own
// transaction: the hash-chain head is read and moved, the entry inserted.
// This is the extra cost every read of a student's data pays.
//
//	go test ./storage -run '^$' -bench AccessLogWrite -benchtime 2s
func BenchmarkAccessLogWrite(b *testing.B) {
	for _, engine := range storagetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := storagetest.Open(b, engine, func() time.Time { return time.Now() })
			ctx := context.Background()
			student := casus.NewID()
			e := casus.AccessEntry{UserID: casus.NewID(), UserName: "Bench", Role: casus.RoleCoordinator, OrgName: "ROC",
				Relation: casus.RelCoordinator, StudentID: student, ObjectKind: "student", ObjectID: student,
				Action: casus.ActRead, Purpose: "benchmark", RequestID: "bench", Instance: "bench", Outcome: casus.OutcomeGranted}
			b.ReportAllocs()
			for b.Loop() {
				entry := e
				if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.LogAccess(ctx, &entry) }); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n, err := db.VerifyAccessLog(ctx); err != nil || n < int64(b.N) {
				b.Fatalf("verify after %d writes: %d, %v", b.N, n, err)
			}
		})
	}
}
