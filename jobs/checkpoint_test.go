package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"casus"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestAuditCheckpointJob: with a checkpoint directory the runner writes a
// signed checkpoint of the audit logs on start (and hourly after), which
// verification accepts; the logs then verify against it.
func TestAuditCheckpointJob(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(now)
			db := storagetest.Open(t, engine, clock.Now)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.LogAccess(ctx, &casus.AccessEntry{UserID: "u1", UserName: "M", Role: casus.RoleMentor,
					ObjectKind: "student", Action: casus.ActRead, Purpose: "student page", Outcome: casus.OutcomeGranted})
			})
			dir := filepath.Join(t.TempDir(), "checkpoints")
			startMailing(t, db, nil, mail.Outbox{}, jobs.AuditCheckpoints(db, dir))
			var files []string
			waitFor(t, "a checkpoint file", func() bool {
				files, _ = filepath.Glob(filepath.Join(dir, "casus-checkpoint-*.json"))
				return len(files) == 1
			})
			if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("checkpoint file: %v, %v; want mode 0600", fi.Mode(), err)
			}
			cp, err := db.ReadCheckpoint(files[0])
			must(t, err)
			if len(cp.Logs) != 2 || cp.Logs[0].Log != "access_log" || cp.Logs[0].Seq != 1 || !cp.At.Equal(now.Truncate(1e9)) {
				t.Errorf("checkpoint = %+v, want the access log at entry 1 at %v", cp, now)
			}
			if _, err := db.VerifyAudit(t.Context(), &cp); err != nil {
				t.Errorf("VerifyAudit against the job's checkpoint: %v", err)
			}
		})
	}
}
