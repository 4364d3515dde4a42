package storage

import "context"

// MigrateJobs runs the job queue's migrations alone, for tests that race
// them without Casus's migrations in front (whose lock would make the
// instances take turns anyway).
func (db *DB) MigrateJobs(ctx context.Context) error { return db.migrateJobs(ctx) }
