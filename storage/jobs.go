package storage

import (
	"context"
	"database/sql"
	"fmt"
	"hash/crc64"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// The background-job queue (River, package jobs) keeps its tables in the
// Casus database. Its schema comes from River's own migrations, which run
// here, right after Casus's, so every command that opens the database
// (serve, migrate, …) leaves both up to date.

// riverLockID is the PostgreSQL advisory lock held while River's migrations
// run, so instances starting at once take turns. It differs from goose's lock
// (lock.DefaultLockID): each migration set has a lock of its own.
var riverLockID = int64(crc64.Checksum([]byte("casus:river-migrations"), crc64.MakeTable(crc64.ECMA)))

// JobSQL returns the *sql.DB the job queue uses on SQLite: a pool of one
// connection to the same file, opened like the write pool. River runs many
// operations at once, which SQLite answers with SQLITE_BUSY unless a
// one-connection pool queues them; sharing the write pool would queue
// requests behind River's polling. On PostgreSQL it returns nil: River uses
// Pool there.
func (db *DB) JobSQL() *sql.DB { return db.jobs }

// migrateJobs runs River's pending migrations.
func (db *DB) migrateJobs(ctx context.Context) error {
	// River logs every applied migration at info level; warnings go to
	// stderr, never to a command's output.
	cfg := &rivermigrate.Config{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if db.Engine == SQLite {
		m, err := rivermigrate.New(riversqlite.New(db.jobs), cfg)
		if err != nil {
			return fmt.Errorf("storage: job migrations: %w", err)
		}
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("storage: migrate jobs: %w", err)
		}
		return nil
	}

	// rivermigrate takes no lock itself. goose's session locker retries
	// pg_try_advisory_lock on a connection of its own while the migrations
	// run on the pool. Closing that connection ends its session and so frees
	// the lock, however the migrations end.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(riverLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	lockDB := stdlib.OpenDB(*db.Pool.Config().ConnConfig)
	defer lockDB.Close()
	conn, err := lockDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: migrate jobs: %w", err)
	}
	defer conn.Close()
	if err := locker.SessionLock(ctx, conn); err != nil {
		return fmt.Errorf("storage: migrate jobs: lock: %w", err)
	}
	m, err := rivermigrate.New(riverpgxv5.New(db.Pool), cfg)
	if err != nil {
		return fmt.Errorf("storage: job migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("storage: migrate jobs: %w", err)
	}
	return nil
}
