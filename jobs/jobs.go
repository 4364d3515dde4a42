// Package jobs runs Casus's background work on River, a job queue kept in
// the Casus database itself (its tables are migrated with Casus's, see
// storage.Open). Jobs are retried when they fail; periodic jobs are enqueued
// only by the instance River elected leader, so any number of instances can
// run a Runner on one PostgreSQL database.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"casus/mail"
	"casus/storage"
)

// Runner works the job queue of one Casus database.
type Runner struct {
	client riverClient
}

// deliverSoon enqueues a run of DeliverMail, so the messages a job stored go
// out now rather than at the next minute's run.
func (r *Runner) deliverSoon(ctx context.Context) error {
	if _, err := r.client.Insert(ctx, DeliverMailArgs{}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue mail delivery: %w", err)
	}
	return nil
}

// riverClient is what Runner uses of a *river.Client, whose type parameter
// (the driver's transaction type) differs between the engines.
type riverClient interface {
	Start(context.Context) error
	Stop(context.Context) error
	Insert(context.Context, river.JobArgs, *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Option adjusts the River configuration New builds: tests shorten poll
// intervals or add middleware to watch inserts.
type Option func(*river.Config)

// stopTimeout bounds how long Stop waits for running jobs before it cancels
// their contexts.
const stopTimeout = 10 * time.Second

// New returns a Runner for db with every Casus job registered; messages go
// out by e-mail as mc says. It logs to logger. Call Start to begin working
// jobs.
func New(db *storage.DB, mc MailConfig, logger *slog.Logger, opts ...Option) (*Runner, error) {
	if mc.Mailer == nil {
		return nil, errors.New("jobs: no mailer")
	}
	composer, err := mail.NewComposer(mc.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r := &Runner{}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &remindersWorker{db: db, deliver: r.deliverSoon}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &aftercareWorker{db: db, deliver: r.deliverSoon}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &dispatchAgendasWorker{db: db, deliver: r.deliverSoon}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &deliverMailWorker{db: db, mailer: mc.Mailer, composer: composer}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &handbookReviewWorker{db: db, deliver: r.deliverSoon}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &pruneLoginsWorker{db: db}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &destroyExpiredWorker{db: db}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	cfg := &river.Config{
		Logger:  logger,
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers: workers,
		PeriodicJobs: []*river.PeriodicJob{pruneLoginsPeriodic(db), dispatchAgendasPeriodic(db), aftercarePeriodic(db),
			remindersPeriodic(db), deliverMailPeriodic(), handbookReviewPeriodic(db),
			destroyExpiredPeriodic(db)},
		SoftStopTimeout: stopTimeout,
	}
	for _, opt := range opts {
		opt(cfg)
	}
	var client riverClient
	switch db.Engine {
	case storage.Postgres:
		client, err = river.NewClient(riverpgxv5.New(db.Pool), cfg)
	case storage.SQLite:
		client, err = river.NewClient(riversqlite.New(db.JobSQL()), cfg)
	default:
		return nil, fmt.Errorf("jobs: unknown engine %q", db.Engine)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.client = client
	return r, nil
}

// Start starts working jobs in the background and takes part in leader
// election. Cancelling ctx stops the Runner as Stop does; call Stop anyway to
// wait for it, before closing the database.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish; after ten
// seconds their contexts are cancelled. It returns ctx's error early when ctx
// is done first. A stopping leader resigns, so another instance takes over
// the periodic jobs.
func (r *Runner) Stop(ctx context.Context) error {
	if err := r.client.Stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}
