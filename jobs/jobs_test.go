package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"casus"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/storage/storagetest"
)

// baseURL is where the tests' Casus is reached, for links in mail.
const baseURL = "https://casus.test"

// now is when the tests' jobs run, by the database clock.
var now = time.Date(2025, time.October, 6, 9, 15, 0, 0, time.UTC)

func TestPruneLogins(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(now)
			db := storagetest.Open(t, engine, clock.Now)
			var u casus.User
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				u = casus.User{Email: "m@example.org", Name: "M", Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
				return tx.CreateUser(ctx, &u, "x")
			})
			// Each row is stored at its own time; its name says what it is
			// and whether the job must delete it.
			for _, row := range []struct {
				at   time.Time
				name string
			}{
				{now.AddDate(0, 0, -181), "device-old"},
				{now.AddDate(0, 0, -179), "device-recent"},
				{now.Add(-25 * time.Hour), "attempt-old"},
				{now.Add(-23 * time.Hour), "attempt-recent"},
			} {
				clock.Set(row.at)
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					if strings.HasPrefix(row.name, "device") {
						return tx.TrustDevice(ctx, row.name, u.ID)
					}
					return tx.RecordAttempt(ctx, storage.AttemptAccount, row.name, false)
				})
			}
			clock.Set(now)

			// Nothing enqueues the job by hand: the runner's periodic job
			// runs on start.
			start(t, db, nil)
			waitFor(t, "the prune job to complete", func() bool { return jobCount(t, db, "completed") == 1 })

			longAgo := now.AddDate(-1, 0, 0)
			view(t, db, func(ctx context.Context, tx *storage.Tx) error {
				for subject, want := range map[string]int{"attempt-old": 0, "attempt-recent": 1} {
					n, err := tx.Failures(ctx, storage.AttemptAccount, subject, longAgo)
					if err != nil {
						return err
					}
					if n != want {
						t.Errorf("%s: %d left, want %d", subject, n, want)
					}
				}
				for token, want := range map[string]bool{"device-old": false, "device-recent": true} {
					kept, err := tx.DeviceTrusted(ctx, token, u.ID, longAgo)
					if err != nil {
						return err
					}
					if kept != want {
						t.Errorf("%s: kept = %v, want %v", token, kept, want)
					}
				}
				return nil
			})
		})
	}
}

// TestTwoInstances runs two instances on one PostgreSQL database, as two
// application servers do. Both configure the hourly job; it runs once per
// hour of the database clock, also when leadership moves between them.
func TestTwoInstances(t *testing.T) {
	for _, engine := range storagetest.PostgresOnly(t) { // one process owns a SQLite file
		t.Run(engine, func(t *testing.T) {
			url := storagetest.DatabaseURL(t)
			clock := storagetest.NewClock(now)
			dbs := [2]*storage.DB{open(t, url, clock, "a"), open(t, url, clock, "b")}
			var ins [2]inserts
			runners := [2]*jobs.Runner{start(t, dbs[0], &ins[0]), start(t, dbs[1], &ins[1])}

			// Only the leader enqueues periodic jobs, and only it has.
			waitFor(t, "the first run to complete", func() bool { return jobCount(t, dbs[0], "completed") == 1 })
			var leader int
			switch a, b := ins[0].get(), ins[1].get(); {
			case len(a) == 1 && len(b) == 0 && !a[0]:
				leader = 0
			case len(a) == 0 && len(b) == 1 && !b[0]:
				leader = 1
			default:
				t.Fatalf("inserts of the two instances (true: skipped as duplicate): %v and %v, want one insert by the leader", a, b)
			}
			follower := 1 - leader

			t.Run("NewLeaderSameHour", func(t *testing.T) {
				// The leader stops and resigns; the follower is elected and
				// enqueues on start too, but the hour already has its run.
				must(t, runners[leader].Stop(t.Context()))
				waitFor(t, "the new leader to enqueue", func() bool { return len(ins[follower].get()) == 1 })
				if skipped := ins[follower].get()[0]; !skipped {
					t.Error("the new leader's job for the same hour was inserted, want it skipped as a duplicate")
				}
				if n := jobCount(t, dbs[0], ""); n != 1 {
					t.Errorf("%d prune jobs in the queue, want 1", n)
				}
			})

			t.Run("NextHour", func(t *testing.T) {
				// An hour later a restarted instance takes over and runs the
				// job for the new hour.
				clock.Add(time.Hour)
				var restarted inserts
				start(t, dbs[leader], &restarted)
				must(t, runners[follower].Stop(t.Context()))
				waitFor(t, "the next hour's run to complete", func() bool { return jobCount(t, dbs[0], "completed") == 2 })
				if got := restarted.get(); len(got) != 1 || got[0] {
					t.Errorf("inserts of the restarted instance (true: skipped): %v, want one insert", got)
				}
			})
		})
	}
}

// inserts records, for each prune job a runner enqueues, whether River
// skipped it as a duplicate.
type inserts struct {
	mu      sync.Mutex
	skipped []bool
}

func (r *inserts) option(cfg *river.Config) {
	cfg.Middleware = append(cfg.Middleware, river.JobInsertMiddlewareFunc(
		func(ctx context.Context, params []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
			results, err := doInner(ctx)
			r.mu.Lock()
			defer r.mu.Unlock()
			for i, res := range results {
				if params[i].Kind == (jobs.PruneLoginsArgs{}).Kind() {
					r.skipped = append(r.skipped, res.UniqueSkippedAsDuplicate)
				}
			}
			return results, err
		}))
}

func (r *inserts) get() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bool(nil), r.skipped...)
}

// start starts a runner on db, with River's polling shortened for tests and
// mail kept in the outbox, and stops it when the test ends (before the
// database closes). A job that fails fails the test. A non-nil ins records
// the runner's inserts.
func start(t *testing.T, db *storage.DB, ins *inserts) *jobs.Runner {
	t.Helper()
	return startMailing(t, db, ins, mail.Outbox{})
}

// startMailing starts a runner as start does, sending mail with mailer.
func startMailing(t *testing.T, db *storage.DB, ins *inserts, mailer mail.Mailer, extra ...jobs.Option) *jobs.Runner {
	t.Helper()
	opts := []jobs.Option{func(cfg *river.Config) {
		cfg.TestOnly = true
		cfg.FetchCooldown = 10 * time.Millisecond
		cfg.FetchPollInterval = 50 * time.Millisecond
		cfg.Middleware = append(cfg.Middleware, river.WorkerMiddlewareFunc(
			func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
				err := doInner(ctx)
				if err != nil {
					t.Errorf("job %s failed: %v", job.Kind, err)
				}
				return err
			}))
	}}
	if ins != nil {
		opts = append(opts, ins.option)
	}
	opts = append(opts, extra...)
	r, err := jobs.New(db, jobs.MailConfig{Mailer: mailer, BaseURL: baseURL}, testLogger(t), opts...)
	must(t, err)
	must(t, r.Start(context.Background()))
	t.Cleanup(func() {
		if err := r.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return r
}

// open opens another instance's connection to the PostgreSQL database at url.
func open(t *testing.T, url string, clock *storagetest.Clock, instance string) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.Context(), storage.Config{URL: url, Now: clock.Now, Instance: instance, AuditKey: storagetest.AuditKey})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// jobCount counts the prune jobs in the queue in the state, or in any state
// for "".
func jobCount(t *testing.T, db *storage.DB, state string) int {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRowContext(t.Context(),
		`SELECT COUNT(*) FROM river_job WHERE kind = $1 AND ($2 = '' OR CAST(state AS TEXT) = $2)`,
		jobs.PruneLoginsArgs{}.Kind(), state).Scan(&n))
	return n
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testLogger logs River's warnings to the test output and fails the test on
// any error River logs, such as a failed job or a lost database connection.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(failOnError{slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}), t})
}

// canceled reports whether the record is River's report of work cut off by
// the client's own shutdown (the test's context ends): not an error of the
// work itself, and seen only when the machine is slow enough for shutdown
// to overtake a notification.
func canceled(r slog.Record) bool {
	c := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" || a.Key == "error" {
			c = strings.Contains(a.Value.String(), context.Canceled.Error())
		}
		return !c
	})
	return c
}

type failOnError struct {
	slog.Handler
	t *testing.T
}

func (h failOnError) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError && !canceled(r) {
		h.t.Errorf("River logged an error: %s", r.Message)
	}
	return h.Handler.Handle(ctx, r)
}

func (h failOnError) WithAttrs(attrs []slog.Attr) slog.Handler {
	return failOnError{h.Handler.WithAttrs(attrs), h.t}
}

func (h failOnError) WithGroup(name string) slog.Handler {
	return failOnError{h.Handler.WithGroup(name), h.t}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func update(t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) error) {
	t.Helper()
	ctx := context.Background()
	must(t, db.Update(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) }))
}

func view(t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) error) {
	t.Helper()
	ctx := context.Background()
	must(t, db.View(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) }))
}
