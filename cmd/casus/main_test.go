package main

// These tests drive the casus command the way an operator does: run() with a
// command line, on a real SQLite file in the test's temporary directory and,
// when CASUS_TEST_DATABASE_URL is set, on a fresh PostgreSQL database per
// test. What the commands did is then checked through package storage or
// plain SQL. binary_test.go builds the real binary for what only main()
// decides: exit codes and signal handling.

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for raw SQL on PostgreSQL
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, for raw SQL on SQLite

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
)

// testDB is one fresh database, addressed as an operator would address it.
type testDB struct {
	engine string
	dir    string // SQLite: the --data directory
	url    string // PostgreSQL: the --database-url
	key    string // base64 secret key; serve needs one on PostgreSQL
}

func newTestDB(t *testing.T, engine string) *testDB {
	t.Helper()
	switch engine {
	case storage.SQLite:
		return &testDB{engine: engine, dir: t.TempDir()}
	case storage.Postgres:
		return &testDB{engine: engine, url: storagetest.DatabaseURL(t), key: newKey()}
	}
	t.Fatalf("unknown engine %q", engine)
	return nil
}

func newKey() string {
	k := make([]byte, 32)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// args are the flags that select the database, with the secret key every
// command needs on PostgreSQL (the audit key derives from it).
func (d *testDB) args() []string {
	if d.url != "" {
		return []string{"--database-url", d.url, "--secret-key", d.key}
	}
	return []string{"--data", d.dir}
}

// serveArgs are the flags serve needs for the database.
func (d *testDB) serveArgs() []string { return d.args() }

// auditKey is the audit key the commands derive, as an operator's
// configuration gives it.
func (d *testDB) auditKey(t *testing.T) []byte {
	t.Helper()
	none := ""
	k, err := dbFlags{dir: &d.dir, url: &d.url, secretKey: &d.key, auditKey: &none}.auditKeyBytes()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// open opens the database through storage, closed when the test ends.
func (d *testDB) open(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), storage.Config{URL: d.url, Dir: d.dir, Instance: "cli-test", AuditKey: d.auditKey(t)})
	if err != nil {
		t.Fatalf("open %s: %v", d.engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// raw opens a plain SQL connection, as someone with database access would.
func (d *testDB) raw(t *testing.T) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", d.url
	if d.engine == storage.SQLite {
		driver, dsn = "sqlite", "file:"+filepath.Join(d.dir, "casus.db")+"?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// count runs a COUNT query on a plain connection.
func (d *testDB) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := d.raw(t).QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// snapshot counts the rows of the tables the commands write.
func (d *testDB) snapshot(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"users", "user_roles", "schools", "students", "guardians", "cases", "care_teams", "access_log"} {
		out[table] = d.count(t, "SELECT COUNT(*) FROM "+table)
	}
	return out
}

// eachEngine runs fn once per engine with a fresh database.
func eachEngine(t *testing.T, fn func(t *testing.T, d *testDB)) {
	t.Helper()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newTestDB(t, engine))
		})
	}
}

// outcome is what one command line did. err non-nil means a non-zero exit.
type outcome struct {
	stdout, stderr string
	err            error
}

func (o outcome) String() string {
	return fmt.Sprintf("err=%v\nstdout:\n%s\nstderr:\n%s", o.err, o.stdout, o.stderr)
}

// cli runs one command line in-process with only the given environment.
func cli(t *testing.T, env map[string]string, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, &stdout, &stderr, func(k string) string { return env[k] })
	return outcome{stdout.String(), stderr.String(), err}
}

func mustSucceed(t *testing.T, o outcome) outcome {
	t.Helper()
	if o.err != nil {
		t.Fatalf("command failed:\n%s", o)
	}
	return o
}

// mustFail checks that the command failed with a message containing want.
func mustFail(t *testing.T, o outcome, want string) {
	t.Helper()
	if o.err == nil {
		t.Fatalf("command succeeded, want an error containing %q:\n%s", want, o)
	}
	if !strings.Contains(o.err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", o.err, want)
	}
}

func joined(parts ...[]string) []string { return slices.Concat(parts...) }

// --- version, help, usage errors --------------------------------------------

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version", "-version"} {
		o := mustSucceed(t, cli(t, nil, arg))
		if o.stdout != "casus "+version+"\n" {
			t.Errorf("%s printed %q, want %q", arg, o.stdout, "casus "+version+"\n")
		}
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"help", "--help", "-h"} {
		o := mustSucceed(t, cli(t, nil, arg))
		for _, c := range []string{"casus serve", "casus migrate", "casus demo", "casus user add",
			"casus user reset-password", "casus audit verify", "casus audit checkpoint", "casus import students", "casus retention", "casus backup", "casus restore", "casus version", "--data", "CASUS_DATABASE_URL"} {
			if !strings.Contains(o.stdout, c) {
				t.Errorf("%s output lacks %q:\n%s", arg, c, o.stdout)
			}
		}
	}
}

// helpFlag is one flag as the flag package documents it.
type helpFlag struct {
	kind string // "string", "duration", "value" for a secret, or "" for a boolean
	text string // the description, with its env variable and default
}

var helpLine = regexp.MustCompile(`^  -(\S+)(?: (\S+))?$`)

// parseHelp reads the flags from a FlagSet's --help output.
func parseHelp(t *testing.T, out string) map[string]*helpFlag {
	t.Helper()
	flags := map[string]*helpFlag{}
	var cur *helpFlag
	for _, line := range strings.Split(out, "\n") {
		if m := helpLine.FindStringSubmatch(line); m != nil {
			cur = &helpFlag{kind: m[2]}
			flags[m[1]] = cur
			continue
		}
		if cur != nil && strings.HasPrefix(line, "    \t") {
			cur.text += strings.TrimPrefix(line, "    \t") + " "
		}
	}
	return flags
}

var dbFlagNames = []string{"data", "database-url", "secret-key", "audit-key"}

func TestSubcommandHelpDocumentsEveryFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args  []string
		flags []string
		env   bool // every flag has a CASUS_* variable
	}{
		{[]string{"serve"}, joined(dbFlagNames, []string{"addr", "demo", "cookie-secure", "session-idle", "session-lifetime",
			"trusted-proxies", "oidc-issuer", "oidc-client-id", "oidc-client-secret", "oidc-redirect-url", "oidc-mfa-values", "log-level",
			"smtp-url", "mail-from", "base-url", "audit-checkpoint-dir", "backup-dir", "backup-every", "backup-keep", "shutdown-timeout", "api-rate-limit"}), true},
		{[]string{"migrate"}, dbFlagNames, true},
		{[]string{"demo"}, dbFlagNames, true},
		{[]string{"audit", "verify"}, joined(dbFlagNames, []string{"checkpoint"}), true},
		{[]string{"audit", "checkpoint"}, joined(dbFlagNames, []string{"audit-checkpoint-dir"}), true},
		{[]string{"retention"}, joined(dbFlagNames, []string{"dry-run"}), true},
		{[]string{"backup"}, joined(dbFlagNames, []string{"backup-dir", "backup-keep"}), true},
		{[]string{"restore"}, joined(dbFlagNames, []string{"from", "force"}), true},
		{[]string{"user", "add"}, joined(dbFlagNames, []string{"email", "username", "name", "role", "discipline", "password"}), false},
		{[]string{"user", "reset-password"}, joined(dbFlagNames, []string{"login", "password", "reset-2fa"}), false},
		{[]string{"import", "students"}, joined(dbFlagNames, []string{"school", "dry-run", "preset", "accept-valid", "map", "save-map", "full", "lang"}), false},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			o := cli(t, nil, append(tc.args, "--help")...)
			if o.err != nil {
				t.Fatalf("%s --help: %v, want success (exit 0)", name, o.err)
			}
			if !strings.Contains(o.stderr, "Usage of casus "+name+":") {
				t.Errorf("help lacks its heading:\n%s", o.stderr)
			}
			got := parseHelp(t, o.stderr)
			var names []string
			for n, f := range got {
				names = append(names, n)
				if strings.TrimSpace(f.text) == "" {
					t.Errorf("--%s has no description", n)
				}
				if env := envName(n); tc.env && !strings.Contains(f.text, "("+env+")") {
					t.Errorf("--%s does not name its variable %s: %q", n, env, f.text)
				}
			}
			slices.Sort(names)
			want := slices.Sorted(slices.Values(tc.flags))
			if !slices.Equal(names, want) {
				t.Errorf("%s --help documents %v, want %v", name, names, want)
			}
			if name == "user add" {
				for _, r := range casus.Roles {
					if !strings.Contains(got["role"].text, string(r)) {
						t.Errorf("--role help does not list %s: %q", r, got["role"].text)
					}
				}
			}
		})
	}
}

// TestServeFlagsTakeEnvironment sets every variable serve documents and checks
// each becomes the flag's default, so no documented variable is dead.
func TestServeFlagsTakeEnvironment(t *testing.T) {
	t.Parallel()
	flags := parseHelp(t, mustSucceed(t, cli(t, nil, "serve", "--help")).stderr)
	env, want := map[string]string{}, map[string]string{}
	for n, f := range flags {
		switch f.kind {
		case "string":
			env[envName(n)], want[n] = "from-env-"+n, `(default "from-env-`+n+`")`
		case "duration":
			env[envName(n)], want[n] = "7m", "(default 7m0s)"
		case "int":
			env[envName(n)], want[n] = "3", "(default 3)"
		case "":
			env[envName(n)], want[n] = "true", "(default true)"
		case "value": // a secret: taken from the variable, never shown
			env[envName(n)] = "hunter2-" + n
		default:
			t.Fatalf("--%s has unexpected type %q", n, f.kind)
		}
	}
	out := mustSucceed(t, cli(t, env, "serve", "--help")).stderr
	got := parseHelp(t, out)
	for n, w := range want {
		if !strings.Contains(got[n].text, w) {
			t.Errorf("with %s set, --%s reads %q, want %s", envName(n), n, got[n].text, w)
		}
	}
	secrets := 0
	for n, f := range flags {
		if f.kind == "value" {
			secrets++
			if strings.Contains(out, "hunter2-"+n) {
				t.Errorf("--help shows the value of %s", envName(n))
			}
		}
	}
	if secrets != 5 {
		t.Errorf("%d secret settings in serve --help, want 5 (database URL, secret key, audit key, OIDC client secret, SMTP URL)", secrets)
	}
}

// TestSecretFlags: a secret setting comes from its variable unless the
// flag is given, like any other; it is just never printed.
func TestSecretFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env, args []string
		want      string
	}{
		{nil, nil, ""},
		{[]string{"CASUS_SMTP_URL", "smtp://u:pw@host"}, nil, "smtp://u:pw@host"},
		{[]string{"CASUS_SMTP_URL", "smtp://u:pw@host"}, []string{"--smtp-url", "smtp://other"}, "smtp://other"},
	} {
		var stderr strings.Builder
		f := newFlags("serve", &stderr, func(k string) string {
			if len(tc.env) == 2 && k == tc.env[0] {
				return tc.env[1]
			}
			return ""
		})
		got := f.secret("smtp-url", "SMTP server")
		if err := f.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if *got != tc.want {
			t.Errorf("env %v, args %v: %q, want %q", tc.env, tc.args, *got, tc.want)
		}
		f.PrintDefaults()
		if strings.Contains(stderr.String(), "pw") {
			t.Errorf("the usage shows the secret: %s", stderr.String())
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"bogus"}, "unknown command bogus"},
		{[]string{"user"}, "unknown command user"},
		{[]string{"user", "delete"}, "unknown command user"},
		{[]string{"audit"}, "unknown command audit"},
		{[]string{"audit", "repair"}, "unknown command audit"},
	} {
		o := cli(t, nil, tc.args...)
		mustFail(t, o, tc.want)
		var ue usageError
		if !errors.As(o.err, &ue) {
			t.Errorf("%q: %T, want a usageError (main prints the usage and exits 2)", tc.args, o.err)
		}
		if o.stdout != "" {
			t.Errorf("%q wrote to stdout: %q", tc.args, o.stdout)
		}
	}
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"migrate", "--data"}, "flag needs an argument: -data"},
		{[]string{"user", "add", "--admin"}, "flag provided but not defined: -admin"},
		{[]string{"serve", "--data", dir, "--session-idle", "soon"}, `invalid value "soon" for flag -session-idle`},
		{[]string{"serve", "--data", dir, "--log-level", "loud"}, "--log-level"},
		{[]string{"serve", "--data", dir, "--api-rate-limit", "0"}, "--api-rate-limit"},
		{[]string{"serve", "--data", dir, "--secret-key", "c2hvcnQ="}, "--secret-key must be 32 bytes"},
		{[]string{"serve", "--database-url", "postgres://127.0.0.1:1/none"}, "--secret-key (CASUS_SECRET_KEY) is required with PostgreSQL"},
		{[]string{"migrate", "--database-url", "mysql://127.0.0.1/casus", "--secret-key", newKey()}, "unsupported database URL scheme"},
		{[]string{"audit", "verify", "--data", dir, "--audit-key", "c2hvcnQ="}, "--audit-key must be 32 bytes"},
		{[]string{"audit", "checkpoint", "--data", dir}, "audit checkpoint needs --audit-checkpoint-dir"},
		{[]string{"backup", "--data", dir}, "backup needs --backup-dir"},
		{[]string{"restore", "--data", dir}, "restore needs --from"},
		{[]string{"restore", "--data", filepath.Join(dir, "fresh"), "--from", dir}, "restore needs the secret key"},
		{[]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--backup-dir", dir, "--backup-every", "0s"}, "--backup-every must be positive"},
		{[]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--cookie-secure", "maybe"}, "--cookie-secure must be true, false or auto"},
		{[]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/99"}, "--trusted-proxies"},
	} {
		o := cli(t, nil, tc.args...)
		mustFail(t, o, tc.want)
		if strings.HasPrefix(tc.want, "flag ") && !strings.Contains(o.stderr, tc.want) {
			t.Errorf("%q: stderr lacks %q:\n%s", tc.args, tc.want, o.stderr)
		}
		if strings.Contains(o.stdout, "serving on") {
			t.Errorf("%q started serving", tc.args)
		}
	}
}

// --- migrate -------------------------------------------------------------------

func TestMigrate(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		for i := range 2 {
			o := mustSucceed(t, cli(t, nil, append([]string{"migrate"}, d.args()...)...))
			if want := "database on " + d.engine + " is up to date\n"; o.stdout != want {
				t.Errorf("run %d printed %q, want %q", i+1, o.stdout, want)
			}
		}
		if d.engine == storage.SQLite {
			if _, err := os.Stat(filepath.Join(d.dir, "casus.db")); err != nil {
				t.Errorf("no database file: %v", err)
			}
		}
		// Every migration of the engine ran: the highest version is the
		// number of the last migration file, and there is one row per file.
		// (Files are numbered 1, 2, …; a branch may leave a number free for
		// another branch's migration, so the count is not the number.)
		files, _ := filepath.Glob(filepath.Join("..", "..", "storage", "migrations", d.engine, "*.sql"))
		last := 0
		if len(files) > 0 {
			last, _ = strconv.Atoi(strings.SplitN(filepath.Base(files[len(files)-1]), "_", 2)[0])
		}
		var version int
		if err := d.raw(t).QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&version); err != nil || version != last || version < 1 {
			t.Errorf("goose version = %d, %v; want %d", version, err, last)
		}
		if n := d.count(t, `SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0`); n != len(files) {
			t.Errorf("%d migrations applied, want %d (one per file)", n, len(files))
		}
		if n := d.count(t, `SELECT COUNT(*) FROM access_log_head WHERE seq = 0`); n != 1 {
			t.Errorf("access_log_head rows at seq 0 = %d, want 1", n)
		}
		if n := d.count(t, `SELECT COUNT(*) FROM users`); n != 0 {
			t.Errorf("migrate created %d users", n)
		}
	})
}

// TestDataFromEnvironment checks that CASUS_DATA picks the SQLite directory
// and that the flag wins over it.
func TestDataFromEnvironment(t *testing.T) {
	t.Parallel()
	envDir, flagDir := t.TempDir(), t.TempDir()
	env := map[string]string{"CASUS_DATA": envDir}
	mustSucceed(t, cli(t, env, "migrate"))
	if _, err := os.Stat(filepath.Join(envDir, "casus.db")); err != nil {
		t.Errorf("CASUS_DATA: no database in %s: %v", envDir, err)
	}
	os.Remove(filepath.Join(envDir, "casus.db"))
	mustSucceed(t, cli(t, env, "migrate", "--data", flagDir))
	if _, err := os.Stat(filepath.Join(flagDir, "casus.db")); err != nil {
		t.Errorf("--data: no database in %s: %v", flagDir, err)
	}
	if _, err := os.Stat(filepath.Join(envDir, "casus.db")); err == nil {
		t.Errorf("--data did not override CASUS_DATA: a database appeared in %s", envDir)
	}
}

// --- demo ----------------------------------------------------------------------

func TestDemo(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		o := mustSucceed(t, cli(t, nil, append([]string{"demo"}, d.args()...)...))
		if !strings.Contains(o.stdout, "demo data loaded") || !strings.Contains(o.stdout, demo.Password) {
			t.Errorf("demo printed %q, want the load and the demo password", o.stdout)
		}
		before := d.snapshot(t)
		for _, table := range []string{"users", "schools", "students", "guardians", "cases", "care_teams"} {
			if before[table] == 0 {
				t.Errorf("demo left %s empty", table)
			}
		}
		// The demo beheerder can log in with the documented password.
		checkLogin(t, d, demo.UserAdmin, demo.Password, true)
		checkLogin(t, d, demo.UserAdmin+"@"+demo.EmailDomain, demo.Password, true)

		again := cli(t, nil, append([]string{"demo"}, d.args()...)...)
		mustFail(t, again, "already has users")
		if !errors.Is(again.err, demo.ErrNotEmpty) {
			t.Errorf("second demo: %v, want demo.ErrNotEmpty", again.err)
		}
		if again.stdout != "" {
			t.Errorf("second demo printed %q", again.stdout)
		}
		if after := d.snapshot(t); !mapsEqual(before, after) {
			t.Errorf("refused demo changed the database: %v, then %v", before, after)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkLogin looks the account up as the login page does and checks whether
// password opens it. It returns the user.
func checkLogin(t *testing.T, d *testDB, login, password string, want bool) casus.User {
	t.Helper()
	db := d.open(t)
	var u casus.User
	var hash string
	err := db.View(t.Context(), func(tx *storage.Tx) (err error) {
		u, hash, err = tx.UserForLogin(t.Context(), login)
		return err
	})
	if err != nil {
		t.Fatalf("UserForLogin(%q): %v", login, err)
	}
	if got := auth.CheckPassword(password, hash) && !u.Disabled; got != want {
		t.Errorf("login %q with password %q: %v, want %v", login, password, got, want)
	}
	return u
}

// --- user add / reset-password ---------------------------------------------------

const adminPassword = "Correct-Horse-9-Battery"

func TestUserAdd(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		add := func(env map[string]string, args ...string) outcome {
			return cli(t, env, joined([]string{"user", "add"}, d.args(), args)...)
		}
		o := mustSucceed(t, add(nil, "--email", "Beheer@School.example.nl", "--username", "Beheerder",
			"--name", "Anna de Beheerder", "--password", adminPassword))
		if want := "user Beheer@School.example.nl added with role beheerder\n"; o.stdout != want {
			t.Errorf("printed %q, want %q", o.stdout, want)
		}
		u := checkLogin(t, d, "beheer@school.example.nl", adminPassword, true)
		checkLogin(t, d, "BEHEERDER", adminPassword, true)
		checkLogin(t, d, "beheerder", adminPassword+"x", false)
		if !slices.Equal(u.Roles, []casus.Role{casus.RoleAdmin}) || u.Discipline != casus.DiscAdministrator ||
			u.Name != "Anna de Beheerder" || u.Demo || u.TOTPEnabled || u.Disabled {
			t.Errorf("stored user %+v, want an enabled, non-demo beheerder", u)
		}

		// The password can come from CASUS_PASSWORD instead of the command line.
		mustSucceed(t, add(map[string]string{"CASUS_PASSWORD": "Env-Password-1234"}, "--email", "coord@school.example.nl",
			"--name", "Carla Coördinator", "--role", string(casus.RoleCoordinator), "--discipline", string(casus.DiscCoordinator)))
		c := checkLogin(t, d, "coord@school.example.nl", "Env-Password-1234", true)
		if !slices.Equal(c.Roles, []casus.Role{casus.RoleCoordinator}) || c.Discipline != casus.DiscCoordinator {
			t.Errorf("coordinator stored as %v / %s", c.Roles, c.Discipline)
		}

		before := d.snapshot(t)
		for _, tc := range []struct {
			name string
			env  map[string]string
			args []string
			want string
		}{
			{"InvalidEmail", nil, []string{"--email", "not-an-address", "--name", "X", "--password", adminPassword}, "not a valid e-mail address"},
			{"EmailWithName", nil, []string{"--email", "Anna <anna@school.example.nl>", "--name", "X", "--password", adminPassword}, "not a valid e-mail address"},
			{"EmailNoDomainDot", nil, []string{"--email", "anna@localhost", "--name", "X", "--password", adminPassword}, "not a valid e-mail address"},
			{"MissingEmail", nil, []string{"--name", "X", "--password", adminPassword}, "--email and --name are required"},
			{"MissingName", nil, []string{"--email", "x@school.example.nl", "--password", adminPassword}, "--email and --name are required"},
			{"UnknownRole", nil, []string{"--email", "x@school.example.nl", "--name", "X", "--role", "superuser", "--password", adminPassword}, "unknown --role"},
			{"UnknownDiscipline", nil, []string{"--email", "x@school.example.nl", "--name", "X", "--discipline", "wizard", "--password", adminPassword}, "--discipline"},
			{"NoPassword", nil, []string{"--email", "x@school.example.nl", "--name", "X"}, "password: at least 12"},
			{"ShortPassword", nil, []string{"--email", "x@school.example.nl", "--name", "X", "--password", "short"}, "password: at least 12"},
			{"ShortEnvPassword", map[string]string{"CASUS_PASSWORD": "short"}, []string{"--email", "x@school.example.nl", "--name", "X"}, "password: at least 12"},
			{"DuplicateEmail", nil, []string{"--email", "BEHEER@school.example.nl", "--name", "X", "--password", adminPassword}, "already exists"},
			{"DuplicateUsername", nil, []string{"--email", "y@school.example.nl", "--username", "beheerder", "--name", "X", "--password", adminPassword}, "already exists"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o := add(tc.env, tc.args...)
				mustFail(t, o, tc.want)
				if o.stdout != "" {
					t.Errorf("printed %q", o.stdout)
				}
			})
		}
		if after := d.snapshot(t); !mapsEqual(before, after) {
			t.Errorf("refused user add changed the database: %v, then %v", before, after)
		}

		// Demo data goes into an empty installation only.
		mustFail(t, cli(t, nil, append([]string{"demo"}, d.args()...)...), "already has users")
		if after := d.snapshot(t); !mapsEqual(before, after) {
			t.Errorf("refused demo changed the database: %v, then %v", before, after)
		}
	})
}

func TestUserResetPassword(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		const login, newPassword = "beheer@school.example.nl", "Brand-New-Password-42"
		mustSucceed(t, cli(t, nil, joined([]string{"user", "add"}, d.args(),
			[]string{"--email", login, "--name", "Anna de Beheerder", "--password", adminPassword})...))
		reset := func(env map[string]string, args ...string) outcome {
			return cli(t, env, joined([]string{"user", "reset-password"}, d.args(), args)...)
		}
		before := checkLogin(t, d, login, adminPassword, true)
		hashOf := func() string {
			var h string
			if err := d.raw(t).QueryRow(`SELECT password_hash FROM users WHERE email = $1`, login).Scan(&h); err != nil {
				t.Fatal(err)
			}
			return h
		}
		oldHash := hashOf()

		// Refusals change nothing.
		mustFail(t, reset(nil, "--login", "nobody@school.example.nl", "--password", newPassword), "no such account")
		mustFail(t, reset(nil, "--login", login, "--password", "short"), "password: at least 12")
		mustFail(t, reset(nil, "--login", login), "password: at least 12")
		mustFail(t, reset(nil, "--login", login, "--password", "password1234"), "password: too common")
		if hashOf() != oldHash {
			t.Fatal("a refused reset changed the password hash")
		}

		o := mustSucceed(t, reset(nil, "--login", login, "--password", newPassword))
		if !strings.Contains(o.stdout, "password set") || !strings.Contains(o.stdout, "sessions have ended") {
			t.Errorf("printed %q", o.stdout)
		}
		checkLogin(t, d, login, adminPassword, false)
		after := checkLogin(t, d, login, newPassword, true)
		if after.SessionEpoch != before.SessionEpoch+1 {
			t.Errorf("session epoch %d -> %d, want it raised by one", before.SessionEpoch, after.SessionEpoch)
		}
		if hashOf() == oldHash {
			t.Error("password hash unchanged")
		}

		// Two-factor stays unless --reset-2fa is given; CASUS_PASSWORD works too.
		db := d.open(t)
		if err := db.Update(t.Context(), func(tx *storage.Tx) error {
			return tx.SetTOTP(t.Context(), after.ID, "sealed-secret", true)
		}); err != nil {
			t.Fatal(err)
		}
		mustSucceed(t, reset(map[string]string{"CASUS_PASSWORD": "Third-Password-777"}, "--login", login))
		if u := checkLogin(t, d, login, "Third-Password-777", true); !u.TOTPEnabled || u.SessionEpoch != after.SessionEpoch+1 {
			t.Errorf("after a plain reset: TOTP %v, epoch %d; want TOTP kept, epoch %d", u.TOTPEnabled, u.SessionEpoch, after.SessionEpoch+1)
		}
		mustSucceed(t, reset(nil, "--login", login, "--password", newPassword, "--reset-2fa"))
		u := checkLogin(t, d, login, newPassword, true)
		var secret string
		if err := db.View(t.Context(), func(tx *storage.Tx) (err error) {
			secret, err = tx.TOTPSecret(t.Context(), u.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if u.TOTPEnabled || secret != "" {
			t.Errorf("after --reset-2fa: enabled %v, secret %q; want both cleared", u.TOTPEnabled, secret)
		}
		// Each reset is a security event, and the user is told.
		var changed, removed, created, told int
		raw := d.raw(t)
		raw.QueryRow(`SELECT COUNT(*) FROM security_events WHERE kind = 'password.changed' AND target_id = $1`, u.ID).Scan(&changed)
		raw.QueryRow(`SELECT COUNT(*) FROM security_events WHERE kind = '2fa.removed' AND target_id = $1`, u.ID).Scan(&removed)
		raw.QueryRow(`SELECT COUNT(*) FROM security_events WHERE kind = 'account.created' AND target_id = $1`, u.ID).Scan(&created)
		raw.QueryRow(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.password_changed' AND user_id = $1`, u.ID).Scan(&told)
		if changed != 3 || removed != 1 || created != 1 || told != 3 {
			t.Errorf("security events: %d password changed (want 3), %d two-factor removed (want 1), %d created (want 1); %d messages (want 3)",
				changed, removed, created, told)
		}
	})
}

// --- audit verify ------------------------------------------------------------------

// auditDB is a database with the demo data and entries access-log entries,
// written through storage as the web handlers write them.
func auditDB(t *testing.T, engine string, entries int) *testDB {
	t.Helper()
	d := newTestDB(t, engine)
	mustSucceed(t, cli(t, nil, append([]string{"demo"}, d.args()...)...))
	mentor := checkLogin(t, d, demo.UserMentor, demo.Password, true)
	db := d.open(t)
	for i := range entries {
		student := casus.NewID()
		e := &casus.AccessEntry{UserID: mentor.ID, UserName: mentor.Name, Role: mentor.PrimaryRole(), OrgName: mentor.OrgName,
			Relation: casus.RelMentor, StudentID: student, ObjectKind: "student", ObjectID: student, Action: casus.ActRead,
			Purpose: "student page", RequestID: fmt.Sprintf("req-%d", i), Instance: db.Instance, Outcome: casus.OutcomeGranted}
		if err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.LogAccess(t.Context(), e) }); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func verifyOK(t *testing.T, d *testDB, want int) {
	t.Helper()
	o := mustSucceed(t, cli(t, nil, append([]string{"audit", "verify"}, d.args()...)...))
	if w := fmt.Sprintf("access log intact: %d entries verified\nsecurity-event log intact: 0 events verified\n", want); o.stdout != w {
		t.Errorf("audit verify printed %q, want %q", o.stdout, w)
	}
}

func verifyFails(t *testing.T, d *testDB, want string) {
	t.Helper()
	o := cli(t, nil, append([]string{"audit", "verify"}, d.args()...)...)
	mustFail(t, o, want)
	if o.err != nil && !strings.Contains(o.err.Error(), "verification FAILED") {
		t.Errorf("error %q does not say verification failed", o.err)
	}
	if strings.Contains(o.stdout, "intact") {
		t.Errorf("audit verify printed %q on a broken log", o.stdout)
	}
}

// dropTriggers removes the access log's immutability triggers, as someone
// with full database access could.
func dropTriggers(t *testing.T, d *testDB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER access_log_no_update`, `DROP TRIGGER access_log_no_delete`}
	if d.engine == storage.Postgres {
		stmts = []string{`DROP TRIGGER access_log_no_update ON access_log`}
	}
	execSQL(t, d, stmts...)
}

func execSQL(t *testing.T, d *testDB, stmts ...string) {
	t.Helper()
	db := d.raw(t)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAuditVerify(t *testing.T) {
	const entries = 5
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()

			t.Run("EmptyLog", func(t *testing.T) {
				t.Parallel()
				d := newTestDB(t, engine)
				mustSucceed(t, cli(t, nil, append([]string{"migrate"}, d.args()...)...))
				verifyOK(t, d, 0)
			})

			t.Run("IntactAndImmutable", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				verifyOK(t, d, entries)
				// With the triggers in place, the application's own connection
				// can neither change nor delete an entry.
				db := d.raw(t)
				for _, stmt := range []string{
					`UPDATE access_log SET purpose = 'tampered' WHERE seq = 2`,
					`DELETE FROM access_log WHERE seq = 2`,
					`DELETE FROM access_log WHERE seq = 5`,
					`DELETE FROM access_log`,
				} {
					_, err := db.Exec(stmt)
					if err == nil || !strings.Contains(err.Error(), "access_log rows cannot be changed or deleted") {
						t.Errorf("%s: %v, want the trigger's refusal", stmt, err)
					}
				}
				verifyOK(t, d, entries)
				if engine == storage.Postgres {
					// Row triggers do not fire on TRUNCATE: statement triggers
					// on the table and its partition refuse it.
					for _, stmt := range []string{`TRUNCATE access_log`, `TRUNCATE access_log_default`} {
						if _, err := db.Exec(stmt); err == nil || !strings.Contains(err.Error(), "access_log rows cannot be changed or deleted") {
							t.Errorf("%s: %v, want the trigger's refusal", stmt, err)
						}
					}
					verifyOK(t, d, entries)
				}
			})

			t.Run("ChangedEntry", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `UPDATE access_log SET purpose = 'tampered' WHERE seq = 3`)
				verifyFails(t, d, "access log chain broken at entry 3: entry content does not match its hash (the 2 entries before it verified)")
			})

			t.Run("ChangedUser", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `UPDATE access_log SET user_name = 'Someone Else' WHERE seq = 1`)
				verifyFails(t, d, "access log chain broken at entry 1: entry content does not match its hash")
			})

			t.Run("DeletedMiddleEntry", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `DELETE FROM access_log WHERE seq = 3`)
				verifyFails(t, d, "access log chain broken at entry 3: entry missing (the 2 entries before it verified)")
			})

			t.Run("DeletedFirstEntry", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `DELETE FROM access_log WHERE seq = 1`)
				verifyFails(t, d, "access log chain broken at entry 1: entry missing")
			})

			t.Run("DeletedLastEntry", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `DELETE FROM access_log WHERE seq = 5`)
				verifyFails(t, d, "access log chain broken at entry 5: entries after the last one present are missing: the head says the log reaches entry 5 (the 4 entries before it verified)")
			})

			t.Run("DeletedLastEntries", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `DELETE FROM access_log WHERE seq >= 4`)
				verifyFails(t, d, "access log chain broken at entry 4: entries after the last one present are missing: the head says the log reaches entry 5 (the 3 entries before it verified)")
			})

			t.Run("DeletedAllEntries", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, entries)
				dropTriggers(t, d)
				execSQL(t, d, `DELETE FROM access_log`)
				verifyFails(t, d, "access log chain broken at entry 1: entries after the last one present are missing: the head says the log reaches entry 5 (the 0 entries before it verified)")
			})
		})
	}
}

// --- serve ---------------------------------------------------------------------

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingOn = regexp.MustCompile(`Casus serving on (http://\S+)`)

// waitServing waits until stdout announces the address, or done reports that
// the server stopped first.
func waitServing(t *testing.T, stdout, stderr *syncBuffer, done <-chan error) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := servingOn.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped before serving: %v\nstderr:\n%s", err, stderr)
		case <-deadline:
			t.Fatalf("serve did not announce its address in 30s\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// waitHealthy polls /healthz until it answers 200 "ok".
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK && string(body) == "ok\n" {
				return
			}
			err = fmt.Errorf("status %d, body %q", res.StatusCode, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not healthy: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// checkLoginPage checks the login form is served.
func checkLoginPage(t *testing.T, base string) {
	t.Helper()
	res, body := get(t, http.DefaultClient, base+"/login")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="login"`) || !strings.Contains(body, `name="password"`) {
		t.Fatalf("GET /login: %d, form present %v", res.StatusCode, strings.Contains(body, `name="password"`))
	}
}

func TestServe(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		ctx, cancel := context.WithCancel(context.Background())
		stdout, stderr := &syncBuffer{}, &syncBuffer{}
		done := make(chan error, 1)
		args := joined([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, d.serveArgs())
		go func() { done <- run(ctx, args, stdout, stderr, func(string) string { return "" }) }()
		stopped := false
		t.Cleanup(func() {
			if !stopped {
				cancel()
				<-done
			}
		})

		base := waitServing(t, stdout, stderr, done)
		waitHealthy(t, base)
		checkLoginPage(t, base)
		if !strings.Contains(stderr.String(), `"msg":"demo data loaded"`) {
			t.Errorf("serve --demo did not log the demo load:\n%s", stderr)
		}

		// A demo account logs in (no two-factor in demo mode) and lists its
		// students, which writes the access log.
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		res, err := c.PostForm(base+"/login", url.Values{"login": {demo.UserMentor}, "password": {demo.Password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
			t.Fatalf("demo login ended at %s with %d, want / with 200", res.Request.URL.Path, res.StatusCode)
		}
		res, body := get(t, c, base+"/students")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Lotte Verhagen") {
			t.Fatalf("GET /students: %d; Lotte listed: %v", res.StatusCode, strings.Contains(body, "Lotte Verhagen"))
		}

		cancel()
		select {
		case err := <-done:
			stopped = true
			if err != nil {
				t.Fatalf("serve stopped with %v, want a clean shutdown", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop within 15s of its context ending")
		}
		if _, err := http.Get(base + "/healthz"); err == nil {
			t.Error("server still answers after shutdown")
		}

		// The listing was logged, and the log verifies.
		o := mustSucceed(t, cli(t, nil, append([]string{"audit", "verify"}, d.args()...)...))
		m := regexp.MustCompile(`^access log intact: (\d+) entries verified\nsecurity-event log intact: \d+ events verified\n$`).FindStringSubmatch(o.stdout)
		if m == nil {
			t.Fatalf("audit verify printed %q", o.stdout)
		}
		n, _ := strconv.Atoi(m[1])
		var es []casus.AccessEntry
		if err := d.open(t).View(t.Context(), func(tx *storage.Tx) (err error) {
			es, err = tx.AccessEntries(t.Context(), storage.AccessFilter{Limit: 1000})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n == 0 || len(es) != n {
			t.Fatalf("verified %d entries, the log holds %d; want the same, more than 0", n, len(es))
		}
		for _, e := range es {
			if e.UserName != "Sanne Oosterhout" || e.Action != casus.ActSearch || e.Outcome != casus.OutcomeGranted {
				t.Errorf("unexpected entry %+v", e)
				break
			}
		}
	})
}
