package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"casus/auth"
	"casus/storage"
)

// attemptRetention is how long login attempts are kept: well beyond the
// throttle's window (15 minutes in auth.DefaultThrottle), short enough that
// the table says little about who tried to log in when.
const attemptRetention = 24 * time.Hour

// PruneLoginsArgs is the job that deletes login attempts older than a day and
// trusted devices older than 180 days. It runs every hour and when an
// instance becomes leader.
type PruneLoginsArgs struct {
	// Hour is the start of the hour, by the database clock, the run belongs
	// to. Jobs are unique by it: a run for an hour that already has one,
	// such as one enqueued by a newly elected leader, is skipped.
	Hour time.Time `json:"hour" river:"unique"`
}

// Kind names the job in the queue.
func (PruneLoginsArgs) Kind() string { return "prune_logins" }

// InsertOpts makes the job unique per hour (River's default unique states
// include completed, so a finished run still counts). Three attempts suffice:
// the next hour's run deletes whatever a failed one left.
func (PruneLoginsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// pruneLoginsPeriodic enqueues PruneLoginsArgs every hour. The hour comes from
// the database clock rather than River's (which is what its UniqueOpts.ByPeriod
// would use), so the run's period and its cut-offs follow one clock that tests
// can set.
func pruneLoginsPeriodic(db *storage.DB) *river.PeriodicJob {
	return periodic(db, time.Hour, func(hour time.Time) river.JobArgs { return PruneLoginsArgs{Hour: hour} })
}

// periodic runs a job every d, on the elected leader and when an instance
// becomes leader. args gets the start of the period by the database clock:
// the job is unique by it, so a period runs once, and tests move that clock.
func periodic(db *storage.DB, d time.Duration, args func(period time.Time) river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(d),
		func() (river.JobArgs, *river.InsertOpts) { return args(db.Now().UTC().Truncate(d)), nil },
		&river.PeriodicJobOpts{ID: args(time.Time{}).Kind(), RunOnStart: true})
}

type pruneLoginsWorker struct {
	river.WorkerDefaults[PruneLoginsArgs]
	db *storage.DB
}

// Work deletes what is past its retention at the database clock's now, not
// at the job's hour: a late run still deletes everything due.
func (w *pruneLoginsWorker) Work(ctx context.Context, _ *river.Job[PruneLoginsArgs]) error {
	return w.db.Update(ctx, func(tx *storage.Tx) error {
		now := tx.Now()
		if err := tx.PruneAttempts(ctx, now.Add(-attemptRetention)); err != nil {
			return fmt.Errorf("prune login attempts: %w", err)
		}
		return tx.PruneTrustedDevices(ctx, now.AddDate(0, 0, -auth.DeviceTrustDays))
	})
}
