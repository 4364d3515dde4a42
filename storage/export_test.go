package storage

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"

	"casus"
)

// MigrateJobs runs the job queue's migrations alone, for tests that race
// them without Casus's migrations in front (whose lock would make the
// instances take turns anyway).
func (db *DB) MigrateJobs(ctx context.Context) error { return db.migrateJobs(ctx) }

// OpenBefore opens the database as Open does but runs its migrations only
// up to version, without an audit key: the state of an installation before
// an upgrade.
func OpenBefore(ctx context.Context, cfg Config, version int64) (*DB, error) {
	var db *DB
	var err error
	if cfg.URL != "" {
		db, err = openPostgres(ctx, cfg.URL)
	} else {
		db, err = openSQLite(cfg.Dir)
	}
	if err != nil {
		return nil, err
	}
	db.Now, db.Instance = cfg.Now, cfg.Instance
	dir, err := fs.Sub(migrations, "migrations/"+db.Engine)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if db.Engine == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, dir)
	if err != nil {
		return nil, err
	}
	_, err = p.UpTo(ctx, version)
	return db, err
}

// LegacyEntryHash is the unkeyed SHA-256 entries had before the keyed chain.
func LegacyEntryHash(e *casus.AccessEntry) string { return legacyHash(accessLegacyFields(e)) }
