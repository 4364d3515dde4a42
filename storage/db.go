// Package storage keeps Casus's data in SQLite (embedded, the default) or
// PostgreSQL (production). Queries are hand-written SQL that both engines
// accept; code branches on the engine only where they differ. Storage
// reports facts (such as a user's relations to a student); the access policy
// in package casus decides.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite"

	"casus"
)

//go:embed migrations
var migrations embed.FS

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open Casus database.
type DB struct {
	Engine string
	// write runs read-write transactions. On SQLite it holds one connection,
	// so writers queue in Go instead of failing on a busy database.
	write *sql.DB
	// read runs read-only queries; on PostgreSQL it is the same pool.
	read *sql.DB
	// jobs is the job queue's own one-connection pool on SQLite (nil on
	// PostgreSQL); see JobSQL.
	jobs *sql.DB
	// Pool is the pgx pool on PostgreSQL (nil on SQLite), for libraries that
	// want it, such as the session store.
	Pool *pgxpool.Pool
	// Now is the clock every stored time comes from.
	Now casus.Clock
	// Instance names this process in the access log.
	Instance string
	// keys sign the audit chains and their checkpoints (chain.go).
	keys auditKeys
	// path is the SQLite file, url the PostgreSQL URL: for backups.
	path, url string
}

// Config says which database to open.
type Config struct {
	// URL is a postgres:// URL; empty means SQLite under Dir.
	URL string
	// Dir holds the SQLite file casus.db.
	Dir      string
	Now      casus.Clock
	Instance string
	// AuditKey keys the access log's and the security-event log's hash
	// chains and signs their checkpoints. It must not be kept in the
	// database, and every instance on one database needs the same key; at
	// least 32 bytes. Open refuses to start without it.
	AuditKey []byte
}

// Open opens the database and runs pending migrations.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Now == nil {
		cfg.Now = casus.SystemClock
	}
	if cfg.Instance == "" {
		host, _ := os.Hostname()
		cfg.Instance = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if len(cfg.AuditKey) < 32 {
		return nil, errors.New("storage: an audit key of at least 32 bytes is required (Config.AuditKey)")
	}
	var db *DB
	var err error
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		db, err = openPostgres(ctx, cfg.URL)
	} else if cfg.URL != "" {
		return nil, fmt.Errorf("storage: unsupported database URL scheme (want postgres://)")
	} else {
		db, err = openSQLite(cfg.Dir)
	}
	if err != nil {
		return nil, err
	}
	db.Now, db.Instance, db.keys = cfg.Now, cfg.Instance, deriveAuditKeys(cfg.AuditKey)
	if err := db.checkDurability(ctx); err != nil {
		db.Close()
		return nil, err
	}
	applied, err := db.migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if slices.Contains(applied, keyedChainMigration) {
		if err := db.sealLegacy(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func openSQLite(dir string) (*DB, error) {
	if dir == "" {
		dir = "casus-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: data directory: %w", err)
	}
	// A file: URI ends its path at '?' or '#': escape them (and '%'), so a
	// directory such as a test's "sqlite#01" does not open another file.
	path := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.Join(dir, "casus.db"))
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("storage: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	// The job queue writes too, on a connection of its own with the same
	// settings: immediate transactions wait for the write lock (busy_timeout)
	// instead of failing when the other writer got there first.
	j, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open sqlite: %w", err)
	}
	j.SetMaxOpenConns(1)
	q.Add("_pragma", "query_only(1)") // View is read-only on both engines
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		j.Close()
		return nil, fmt.Errorf("storage: open sqlite: %w", err)
	}
	r.SetMaxOpenConns(4)
	return &DB{Engine: SQLite, write: w, read: r, jobs: j, path: filepath.Join(dir, "casus.db")}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("storage: reach postgres: %w", err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	return &DB{Engine: Postgres, write: sdb, read: sdb, Pool: pool, url: dsn}, nil
}

// Migrate runs the pending migrations of the engine, Casus's and then the job
// queue's. On PostgreSQL session locks keep several instances starting at
// once from racing.
func (db *DB) Migrate(ctx context.Context) error {
	_, err := db.migrate(ctx)
	return err
}

// migrate runs the pending migrations and returns the versions it applied.
func (db *DB) migrate(ctx context.Context) ([]int64, error) {
	dir, err := fs.Sub(migrations, "migrations/"+db.Engine)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if db.Engine == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: migrate: %w", err)
	}
	var applied []int64
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, db.migrateJobs(ctx)
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.jobs != nil {
		err = errors.Join(err, db.jobs.Close())
	}
	if db.Pool != nil {
		db.Pool.Close()
	}
	return err
}

// SQL returns the read-write *sql.DB, for libraries that need one (the
// SQLite session store).
func (db *DB) SQL() *sql.DB { return db.write }

// ReadSQL returns the read-only pool: for reads outside a transaction, such
// as tests' assertions. On SQLite it does not wait for the one writing
// connection, so a read taken while a transaction is open does not hang.
func (db *DB) ReadSQL() *sql.DB { return db.read }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx is one transaction. The business change, its access-log rows and the
// jobs it enqueues commit together or not at all.
type Tx struct {
	tx *sql.Tx
	db *DB
}

// Update runs fn in a read-write transaction, committed when fn returns nil.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.write, nil, fn)
}

// View runs fn in a read-only transaction. It cannot write the access log:
// reads of student data use Update.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.read, &sql.TxOptions{ReadOnly: db.Engine == Postgres}, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) (err error) {
	CountStatement(ctx) // BEGIN
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		CountStatement(ctx) // COMMIT or ROLLBACK
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if cerr := sqlTx.Commit(); cerr != nil {
			err = fmt.Errorf("storage: commit: %w", cerr)
		}
	}()
	return fn(&Tx{tx: sqlTx, db: db})
}

// Refusal is the savepoint of a request's business step: a refused request
// returns to it, so nothing it wrote before refusing survives, and the
// transaction goes on to record the refusal. Both engines keep savepoints
// inside a transaction; on PostgreSQL returning to one also clears a failed
// statement, so a refusal found by the database can still be logged.
type Refusal struct{ tx *Tx }

// Step marks the start of the business step.
func (tx *Tx) Step(ctx context.Context) (Refusal, error) {
	if _, err := tx.exec(ctx, `SAVEPOINT business_step`); err != nil {
		return Refusal{}, fmt.Errorf("storage: savepoint: %w", err)
	}
	return Refusal{tx: tx}, nil
}

// Undo returns the transaction to the start of the business step.
func (r Refusal) Undo(ctx context.Context) error {
	if _, err := r.tx.exec(ctx, `ROLLBACK TO SAVEPOINT business_step`); err != nil {
		return fmt.Errorf("storage: rollback to savepoint: %w", err)
	}
	return nil
}

// Now is the database clock, truncated to the microsecond both engines keep.
func (tx *Tx) Now() time.Time { return tx.db.Now().UTC().Truncate(time.Microsecond) }

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	CountStatement(ctx)
	return tx.tx.ExecContext(ctx, q, args...)
}

// column runs q, which selects one text column, and returns its values;
// what names the query in an error.
func (tx *Tx) column(ctx context.Context, what, q string, args ...any) ([]string, error) {
	return queryAll(ctx, tx, what, func(r scanner) (string, error) {
		var v string
		err := r.Scan(&v)
		return v, err
	}, q, args...)
}

// queryAll runs q and returns its rows, each read by scan; what names the
// query in an error.
func queryAll[T any](ctx context.Context, tx *Tx, what string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	defer rows.Close()
	var vs []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	CountStatement(ctx)
	return tx.tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	CountStatement(ctx)
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// notFound turns sql.ErrNoRows into casus.ErrNotFound and wraps the rest. A
// malformed id, which PostgreSQL rejects for a UUID column, is not found too,
// as it is on SQLite.
func notFound(err error, what string) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return casus.ErrNotFound
	case errors.As(err, &pgErr) && pgErr.Code == "22P02": // invalid_text_representation
		return casus.ErrNotFound
	}
	return fmt.Errorf("storage: %s: %w", what, err)
}

// nullable turns "" into NULL for optional references.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// StatementCounter counts the SQL statements issued under one context: the
// statements of the transactions' helpers (exec, query, queryRow), each
// transaction's BEGIN and COMMIT or ROLLBACK, and whatever else reports
// itself with CountStatement (the session store). A test wraps a request's
// context with CountStatements to find the N+1 query patterns; without a
// counter in the context nothing is counted.
type StatementCounter struct{ n atomic.Int64 }

type counterKey struct{}

// CountStatements returns ctx with a new counter of the statements issued
// under it. The counter is safe for concurrent use.
func CountStatements(ctx context.Context) (context.Context, *StatementCounter) {
	c := &StatementCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// Count is the number of statements counted so far.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

// CountStatement counts one statement on the counter of ctx, if it has one.
func CountStatement(ctx context.Context) {
	if c, ok := ctx.Value(counterKey{}).(*StatementCounter); ok {
		c.n.Add(1)
	}
}
