package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// checkDurability refuses a database that may lose acknowledged writes in a
// crash or power cut: SQLite connections with synchronous below FULL, or a
// PostgreSQL session with synchronous_commit, fsync or full_page_writes off
// (set in postgresql.conf, per database, per role or in the URL's options).
// Casus acknowledges a write only after its commit, and promises the write
// and its access-log entry survive; these settings would break that promise
// silently, so Open names the setting and stops instead.
func (db *DB) checkDurability(ctx context.Context) error {
	if db.Engine == Postgres {
		return postgresDurability(ctx, db.write)
	}
	for _, pool := range []*sql.DB{db.write, db.jobs, db.read} {
		if err := sqliteDurability(ctx, pool); err != nil {
			return err
		}
	}
	return nil
}

// sqliteDurability checks one connection of pool: FULL (2) or EXTRA (3).
func sqliteDurability(ctx context.Context, pool *sql.DB) error {
	var level int
	if err := pool.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&level); err != nil {
		return fmt.Errorf("storage: read PRAGMA synchronous: %w", err)
	}
	if level < 2 {
		names := map[int]string{0: "OFF", 1: "NORMAL"}
		return fmt.Errorf("storage: SQLite synchronous is %s; Casus needs FULL so that no acknowledged write is lost in a crash or power cut", names[level])
	}
	return nil
}

// postgresDurability checks the settings of a session on pool.
func postgresDurability(ctx context.Context, pool *sql.DB) error {
	for _, c := range []struct{ setting, fix string }{
		{"synchronous_commit", "ALTER DATABASE … SET synchronous_commit = on, ALTER ROLE … RESET synchronous_commit, or in postgresql.conf"},
		{"fsync", "fsync = on in postgresql.conf"},
		{"full_page_writes", "full_page_writes = on in postgresql.conf"},
	} {
		var v string
		if err := pool.QueryRowContext(ctx, `SELECT current_setting($1)`, c.setting).Scan(&v); err != nil {
			return fmt.Errorf("storage: read %s: %w", c.setting, err)
		}
		if v == "off" {
			return fmt.Errorf("storage: PostgreSQL %s is off; Casus refuses to run because acknowledged writes could be lost in a crash: set it on (%s)", c.setting, c.fix)
		}
	}
	return nil
}
