package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"casus"
	"casus/storage"
)

// DestroyExpiredArgs destroys the files whose retention has ended and
// prunes the access log past its own retention. It runs daily on the
// leader; Day makes one run per day unique, so it runs once however many
// instances there are.
type DestroyExpiredArgs struct {
	Day time.Time `json:"day" river:"unique"`
}

// Kind names the job in the queue.
func (DestroyExpiredArgs) Kind() string { return "destroy_expired" }

// InsertOpts makes the job unique per day.
func (DestroyExpiredArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func destroyExpiredPeriodic(db *storage.DB) *river.PeriodicJob {
	return periodic(db, 24*time.Hour, func(day time.Time) river.JobArgs { return DestroyExpiredArgs{Day: day} })
}

type destroyExpiredWorker struct {
	river.WorkerDefaults[DestroyExpiredArgs]
	db *storage.DB
}

// Work destroys what has expired at the database clock's now, not at the
// job's day: a late run still destroys everything due.
func (w *destroyExpiredWorker) Work(ctx context.Context, _ *river.Job[DestroyExpiredArgs]) error {
	_, err := DestroyExpired(ctx, w.db)
	return err
}

// DestroyExpired destroys, at the database clock's now, every student file
// whose retention has ended and that no legal hold keeps, one transaction
// per student, and prunes the access log past its own retention. It returns
// the destruction records; a second run finds nothing more.
func DestroyExpired(ctx context.Context, db *storage.DB) ([]casus.Destruction, error) {
	return db.DestroyExpired(ctx, db.Now().UTC(), false)
}
