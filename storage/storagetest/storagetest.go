// Package storagetest opens real Casus databases for tests: a SQLite file in
// the test's temporary directory always, and a fresh PostgreSQL database per
// test when CASUS_TEST_DATABASE_URL names a server. Every package's tests use
// it, so each test runs on each engine the machine offers and nothing is
// shared between tests.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"casus"
	"casus/storage"
)

// EnvDatabaseURL names the environment variable holding the PostgreSQL admin
// URL, such as postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
// The role must be allowed to create and drop databases.
const EnvDatabaseURL = "CASUS_TEST_DATABASE_URL"

// timeout bounds each administrative step, so an unreachable server fails the
// test quickly instead of hanging it.
const timeout = 30 * time.Second

// Engines returns the engines tests run on: always SQLite, and PostgreSQL when
// CASUS_TEST_DATABASE_URL is set. It logs when PostgreSQL is left out, so CI
// output shows it.
func Engines(t testing.TB) []string {
	t.Helper()
	if os.Getenv(EnvDatabaseURL) == "" {
		t.Logf("postgres: %s not set, running on sqlite only", EnvDatabaseURL)
		return []string{storage.SQLite}
	}
	return []string{storage.SQLite, storage.Postgres}
}

// Run runs fn once per engine, each as a subtest named after the engine with
// a fresh database. The database uses the system clock; tests that move time
// open their own with Open and a Clock. Run logs which engines ran, so CI
// output shows when PostgreSQL was left out.
func Run(t *testing.T, name string, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", name, engine)
			fn(t, Open(t, engine, nil))
		})
	}
}

// AuditKey is the audit key of every database tests open: instances that
// share a database must share it, as in production.
var AuditKey = []byte("casus test audit key, 32 bytes or more")

// Open opens a fresh, migrated database on the engine, closed (and on
// PostgreSQL dropped) when the test ends. A nil now means the system clock.
func Open(t testing.TB, engine string, now casus.Clock) *storage.DB {
	t.Helper()
	cfg := storage.Config{Now: now, Instance: "test-" + engine, AuditKey: AuditKey}
	switch engine {
	case storage.SQLite:
		cfg.Dir = t.TempDir()
	case storage.Postgres:
		cfg.URL = DatabaseURL(t)
	default:
		t.Fatalf("storagetest: unknown engine %q", engine)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	db, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("storagetest: open %s: %v", engine, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("storagetest: close %s: %v", engine, err)
		}
	})
	return db
}

// DatabaseURL creates an empty PostgreSQL database with a unique name and
// returns its URL, for tests that open it themselves (for example two
// application instances on one database). The database is dropped when the
// test ends, after the cleanups registered later (such as closing the pools
// that use it) have run. DatabaseURL fails the test, never skips it, when
// CASUS_TEST_DATABASE_URL is unset or the server cannot be reached.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvDatabaseURL)
	if admin == "" {
		t.Fatalf("storagetest: %s not set; PostgreSQL tests need it", EnvDatabaseURL)
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("storagetest: %s must be a postgres:// URL", EnvDatabaseURL)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := "casus_test_" + hex.EncodeToString(b)

	// The name is ours (hex only), so quoting it as an identifier is safe.
	adminExec(t, admin, `CREATE DATABASE "`+name+`"`)
	t.Cleanup(func() { adminExec(t, admin, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`) })

	u.Path = "/" + name
	return u.String()
}

// adminExec runs one statement on the admin database. CREATE and DROP
// DATABASE cannot run inside a transaction, hence a plain connection.
func adminExec(t testing.TB, admin, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("storagetest: reach postgres at %s: %v", redact(admin), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("storagetest: %s: %v", strings.SplitN(stmt, `"`, 2)[0], err)
	}
}

// redact drops the password from a URL before it reaches test output.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Epoch is where a zero Clock starts: a Monday morning in the school year.
var Epoch = time.Date(2025, time.September, 1, 8, 30, 0, 0, time.UTC)

// Clock is a settable clock for tests that move time instead of sleeping.
// The zero value reads Epoch. It is safe for concurrent use; pass its Now
// method where a casus.Clock is wanted.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the clock's time in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = Epoch
	}
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Add moves the clock by d and returns the new time.
func (c *Clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = Epoch
	}
	c.now = c.now.Add(d)
	return c.now
}

// OpenCase returns the open case of kind of the demo student with the given
// number, as the user viewer finds them. Tests that date reminders use it to
// reach Lotte's ZAT case.
func OpenCase(ctx context.Context, tx *storage.Tx, viewerID, number string, kind casus.TeamKind) (casus.Case, error) {
	students, _, err := tx.StudentCandidates(ctx, viewerID, number, 1)
	if err != nil {
		return casus.Case{}, err
	}
	if len(students) != 1 {
		return casus.Case{}, fmt.Errorf("student %s: %d found", number, len(students))
	}
	cases, err := tx.Cases(ctx, students[0].ID)
	if err != nil {
		return casus.Case{}, err
	}
	for _, c := range cases {
		if c.TeamKind == kind && c.Status == casus.CaseOpen {
			return c, nil
		}
	}
	return casus.Case{}, fmt.Errorf("student %s has no open %s case", number, kind)
}

// PostgresOnly is Engines for a test that needs PostgreSQL itself, such as
// two instances on one database (one process owns a SQLite file). Without
// CASUS_TEST_DATABASE_URL the test is skipped, so CI's guard against skips
// sees it instead of a test that passes having run nothing.
func PostgresOnly(t *testing.T) []string {
	t.Helper()
	if os.Getenv(EnvDatabaseURL) == "" {
		t.Skipf("needs PostgreSQL: set %s", EnvDatabaseURL)
	}
	return []string{storage.Postgres}
}
