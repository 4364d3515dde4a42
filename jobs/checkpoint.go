package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"casus/storage"
)

// CheckpointEvery is how often the leader writes an audit checkpoint.
const CheckpointEvery = time.Hour

// AuditCheckpointArgs writes a signed checkpoint of the audit chains (the
// access log and the security-event log) to the configured directory. It
// runs hourly on the leader; Hour makes one run per hour unique, so however
// many instances there are one file is written per hour.
type AuditCheckpointArgs struct {
	Hour time.Time `json:"hour" river:"unique"`
}

// Kind names the job in the queue.
func (AuditCheckpointArgs) Kind() string { return "audit_checkpoint" }

// InsertOpts makes the job unique per hour.
func (AuditCheckpointArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type auditCheckpointWorker struct {
	river.WorkerDefaults[AuditCheckpointArgs]
	db  *storage.DB
	dir string
}

// Work writes the checkpoint. A head that does not verify fails the job, so
// the failure shows in the job log and the retries.
func (w *auditCheckpointWorker) Work(ctx context.Context, _ *river.Job[AuditCheckpointArgs]) error {
	if _, _, err := w.db.WriteCheckpoint(ctx, w.dir); err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	return nil
}

// AuditCheckpoints makes the Runner write a signed audit checkpoint to dir
// every hour (see storage.Checkpoint). Only the leader enqueues it.
func AuditCheckpoints(db *storage.DB, dir string) Option {
	return func(cfg *river.Config) {
		river.AddWorker(cfg.Workers, &auditCheckpointWorker{db: db, dir: dir})
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, periodic(db, CheckpointEvery,
			func(hour time.Time) river.JobArgs { return AuditCheckpointArgs{Hour: hour} }))
	}
}
