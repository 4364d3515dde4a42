// Package webtest starts a real Casus server for tests: a real database from
// storagetest with the demo data, the real handler behind an httptest
// server, and HTTP clients with their own cookie jars that log in as the
// demo users.
package webtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"casus/auth"
	"casus/demo"
	"casus/i18n"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web"
)

// Options change the server a test gets.
type Options struct {
	// NoDemoMode makes demo accounts need two-factor like everyone else.
	NoDemoMode bool
	// DatabaseURL points a second instance at an existing PostgreSQL database.
	DatabaseURL string
	// Throttle overrides the login limits.
	Throttle *auth.Throttle
	// OIDC enables single sign-on. An empty RedirectURL is set to the test
	// server's callback.
	OIDC *web.OIDCConfig
	// SMTP makes the server run as with an SMTP server configured: mail is
	// sent, and there is no outbox page. By default mail stays in the outbox.
	SMTP bool
	// IdleTimeout and Lifetime override the session time-outs.
	IdleTimeout, Lifetime time.Duration
	// APIRateLimit overrides the API's calls per token per minute.
	APIRateLimit int
}

// Env is a running server.
type Env struct {
	T      testing.TB
	Engine string
	DB     *storage.DB
	Clock  *storagetest.Clock
	Server *web.Server
	HTTP   *httptest.Server
	URL    string
	Key    []byte
	// DatabaseURL is the PostgreSQL database's URL, for a second instance.
	DatabaseURL string

	delays *delayLog
	stmts  *statementLog
}

// Key is the fixed test key for sealed secrets and throttling.
var Key = []byte("0123456789abcdef0123456789abcdef")

var (
	hashOnce sync.Once
	demoHash string
)

// hash hashes the demo password once per test binary: argon2 is slow on purpose.
func hash(string) (string, error) {
	var err error
	hashOnce.Do(func() { demoHash, err = auth.HashPassword(demo.Password) })
	return demoHash, err
}

// Start runs a server on a fresh database of the engine with the demo data.
func Start(t testing.TB, engine string, opt Options) *Env {
	t.Helper()
	clock := storagetest.NewClock(time.Now())
	ctx := context.Background()
	var db *storage.DB
	if opt.DatabaseURL != "" {
		var err error
		db, err = storage.Open(ctx, storage.Config{URL: opt.DatabaseURL, Now: clock.Now, Instance: "second", AuditKey: storagetest.AuditKey})
		if err != nil {
			t.Fatalf("webtest: open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
	} else {
		if engine == storage.Postgres {
			opt.DatabaseURL = storagetest.DatabaseURL(t)
			var err error
			db, err = storage.Open(ctx, storage.Config{URL: opt.DatabaseURL, Now: clock.Now, Instance: "first", AuditKey: storagetest.AuditKey})
			if err != nil {
				t.Fatalf("webtest: open: %v", err)
			}
			t.Cleanup(func() { db.Close() })
		} else {
			db = storagetest.Open(t, engine, clock.Now)
		}
		if err := demo.Load(ctx, db, hash, clock.Now()); err != nil {
			t.Fatalf("webtest: demo: %v", err)
		}
	}
	sealer, err := auth.NewSealer(Key)
	if err != nil {
		t.Fatal(err)
	}
	th := auth.DefaultThrottle(Key)
	if opt.Throttle != nil {
		c := *opt.Throttle
		th = &c
	}
	// The throttle's delays are recorded, not slept.
	delays := &delayLog{}
	if th.Sleep == nil {
		th.Sleep = delays.sleep
	}
	// The listener exists before the server, so the OIDC redirect can point at it.
	hs := httptest.NewUnstartedServer(nil)
	t.Cleanup(hs.Close)
	oidc := opt.OIDC
	if oidc != nil && oidc.RedirectURL == "" {
		c := *oidc
		c.RedirectURL = "http://" + hs.Listener.Addr().String() + "/login/oidc/callback"
		oidc = &c
	}
	srv, err := web.New(ctx, web.Config{
		DB: db, Sealer: sealer, Throttle: th, DemoMode: !opt.NoDemoMode, Outbox: !opt.SMTP,
		Logger:         slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		OIDC:           oidc,
		IdleTimeout:    opt.IdleTimeout,
		Lifetime:       opt.Lifetime,
		APIRateLimit:   opt.APIRateLimit,
	})
	if err != nil {
		t.Fatalf("webtest: server: %v", err)
	}
	stmts := &statementLog{n: map[string]*storage.StatementCounter{}}
	hs.Config.Handler = stmts.wrap(srv)
	hs.Start()
	return &Env{T: t, Engine: engine, DB: db, Clock: clock, Server: srv, HTTP: hs, URL: hs.URL, Key: Key,
		DatabaseURL: opt.DatabaseURL, delays: delays, stmts: stmts}
}

// statementLog counts the SQL statements of each request the test server
// serves (storage.CountStatements), under an id it sends back in the
// X-Test-Statements header.
type statementLog struct {
	mu   sync.Mutex
	next int
	n    map[string]*storage.StatementCounter
}

// statementsHeader names the test server's header with the id of the
// request's statement count.
const statementsHeader = "X-Test-Statements"

func (l *statementLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := storage.CountStatements(r.Context())
		l.mu.Lock()
		l.next++
		id := fmt.Sprint(l.next)
		l.n[id] = c
		l.mu.Unlock()
		w.Header().Set(statementsHeader, id)
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Statements is the number of SQL statements the server issued for the
// request that got res: every statement of its transactions, their BEGIN
// and COMMIT, and its session reads and writes.
func (e *Env) Statements(res Response) int64 {
	e.T.Helper()
	id := res.Header.Get(statementsHeader)
	e.stmts.mu.Lock()
	c, ok := e.stmts.n[id]
	e.stmts.mu.Unlock()
	if !ok {
		e.T.Fatalf("webtest: no statement count for the request (%s %q)", statementsHeader, id)
	}
	return c.Count()
}

// delayLog records the login throttle's delays instead of sleeping them.
type delayLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *delayLog) sleep(_ context.Context, d time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.d = append(l.d, d)
	return nil
}

// Delays returns, and forgets, the delays the login throttle asked for since
// the last call: in tests the server does not sleep them.
func (e *Env) Delays() []time.Duration {
	e.delays.mu.Lock()
	defer e.delays.mu.Unlock()
	d := e.delays.d
	e.delays.d = nil
	return d
}

// testLog sends the server's warnings and errors to the test log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Client is a browser stand-in: a cookie jar, no automatic redirects, and
// the Origin header browsers send with forms.
type Client struct {
	env *Env
	*http.Client
	// Forwarded, when set, is sent as X-Forwarded-For (the server trusts
	// loopback as a proxy), so tests can come from many addresses.
	Forwarded string
	// UserAgent, when set, is sent as the User-Agent header.
	UserAgent string
}

// NewClient returns a client with an empty cookie jar.
func (e *Env) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, Client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// ClientWithJar returns a client of this server that shares another
// client's cookies, as one browser talking to two instances would.
func (e *Env) ClientWithJar(other *Client) *Client {
	c := e.NewClient()
	c.Jar = other.Jar
	return c
}

// Response is a read response.
type Response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *Client) do(req *http.Request) Response {
	c.env.T.Helper()
	if c.Forwarded != "" {
		req.Header.Set("X-Forwarded-For", c.Forwarded)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	res, err := c.Do(req)
	if err != nil {
		c.env.T.Fatalf("webtest: %s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if i := bytes.Index(b, []byte(MissingKey)); i >= 0 {
		key, _, _ := strings.Cut(string(b[i+len(MissingKey):]), "<")
		c.env.T.Errorf("webtest: %s %s shows a key without text: %q", req.Method, req.URL.Path, key)
	}
	return Response{Status: res.StatusCode, Body: string(b), Header: res.Header, Location: res.Header.Get("Location")}
}

// MissingKey marks, on the pages of the test server, a key that has no text
// in the catalog; a response that shows one fails the test.
const MissingKey = "⁇missing:"

func init() { i18n.MissingMark = MissingKey }

// Get requests a path.
func (c *Client) Get(path string) Response {
	c.env.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.URL+path, nil)
	return c.do(req)
}

// Post submits a form to a path, as a browser on the same origin does.
func (c *Client) Post(path string, form url.Values) Response {
	c.env.T.Helper()
	return c.PostRaw(path, form.Encode())
}

// PostRaw submits a raw form body (for malformed input).
func (c *Client) PostRaw(path, body string) Response {
	c.env.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// PostMultipart submits a multipart form with one file, as a browser on
// the same origin does. fileName is sent exactly as given (a test can send
// a name with "../").
func (c *Client) PostMultipart(path string, fields url.Values, fileField, fileName string, content []byte) Response {
	c.env.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	h := textproto.MIMEHeader{}
	// Quoted as browsers and mime/multipart do: only \ and " escaped, every
	// other character sent as it is (Go's %q would escape U+202E to "\u202e").
	quote := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace
	h.Set("Content-Disposition", `form-data; name="`+quote(fileField)+`"; filename="`+quote(fileName)+`"`)
	h.Set("Content-Type", "application/octet-stream")
	fw, err := mw.CreatePart(h)
	if err != nil {
		c.env.T.Fatalf("webtest: multipart: %v", err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.env.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.env.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// Login logs in as a demo user (demo mode: no second factor) and fails the
// test unless it lands on the home page.
// LoginAs logs in as username with the demo password and returns the
// answer, wherever it leads.
func (c *Client) LoginAs(username string) Response {
	return c.Post("/login", url.Values{"login": {username}, "password": {demo.Password}})
}

func (c *Client) Login(username string) {
	c.env.T.Helper()
	res := c.Post("/login", url.Values{"login": {username}, "password": {demo.Password}})
	if res.Status != http.StatusSeeOther || res.Location != "/" {
		c.env.T.Fatalf("webtest: login as %s: status %d, location %q", username, res.Status, res.Location)
	}
}

// SQL returns the database's read-write pool for assertions.
func (e *Env) SQL() *sql.DB { return e.DB.SQL() }

// StudentID returns the id of the student with the number.
func (e *Env) StudentID(number string) string {
	e.T.Helper()
	var id string
	if err := e.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM students WHERE student_number = $1`, number).Scan(&id); err != nil {
		e.T.Fatalf("webtest: student %s: %v", number, err)
	}
	return id
}

// UserID returns the id of the user with the username.
func (e *Env) UserID(username string) string {
	e.T.Helper()
	var id string
	if err := e.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		e.T.Fatalf("webtest: user %s: %v", username, err)
	}
	return id
}

// Count returns the result of a COUNT query.
func (e *Env) Count(q string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.DB.ReadSQL().QueryRow(q, args...).Scan(&n); err != nil {
		e.T.Fatalf("webtest: count: %v", err)
	}
	return n
}

// Snapshot fingerprints the database so a test can prove a request changed
// nothing: for every table (found in the catalog, so a new table is covered
// without editing this list) it gives the row count and a hash of all rows.
// Tables named in exclude are left out, such as sessions, which the session
// store may write on any request. Rows are read with SELECT * and sorted in
// Go, so no engine's collation or physical order matters; it works on SQLite
// and PostgreSQL alike. Take it only while no request is running.
func (e *Env) Snapshot(exclude ...string) map[string]string {
	e.T.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if e.Engine == storage.Postgres {
		// Ordinary and partitioned tables of our schema; a partition's rows
		// are read through its parent (access_log_default via access_log).
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`
	}
	var tables []string
	for _, name := range e.column(ctx, q) {
		if !slices.Contains(exclude, name) {
			tables = append(tables, name)
		}
	}
	if len(tables) == 0 {
		e.T.Fatalf("webtest: snapshot: no tables found")
	}
	snap := make(map[string]string, len(tables))
	for _, table := range tables {
		snap[table] = e.tableFingerprint(ctx, table)
	}
	return snap
}

// column returns the first column of a query's rows.
func (e *Env) column(ctx context.Context, q string) []string {
	e.T.Helper()
	rows, err := e.SQL().QueryContext(ctx, q)
	if err != nil {
		e.T.Fatalf("webtest: snapshot: list tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.T.Fatalf("webtest: snapshot: list tables: %v", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		e.T.Fatalf("webtest: snapshot: list tables: %v", err)
	}
	return out
}

// tableFingerprint is "<n> rows <hash>" of one table's contents.
func (e *Env) tableFingerprint(ctx context.Context, table string) string {
	e.T.Helper()
	// The name comes from the catalog; quoting it keeps it an identifier.
	rows, err := e.SQL().QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		e.T.Fatalf("webtest: snapshot %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		e.T.Fatalf("webtest: snapshot %s: %v", table, err)
	}
	var lines []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			e.T.Fatalf("webtest: snapshot %s: %v", table, err)
		}
		var b strings.Builder
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs) // a driver may reuse the buffer
			}
			fmt.Fprintf(&b, "%s=%T:%q\x1f", cols[i], v, fmt.Sprint(v))
		}
		lines = append(lines, b.String())
	}
	if err := rows.Err(); err != nil {
		e.T.Fatalf("webtest: snapshot %s: %v", table, err)
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\x1e")))
	return fmt.Sprintf("%d rows %x", len(lines), sum[:12])
}

// Changed lists, sorted, the tables whose fingerprint differs between two
// snapshots, with before and after: empty when nothing changed.
func Changed(before, after map[string]string) []string {
	var out []string
	for table, b := range before {
		if a, ok := after[table]; !ok {
			out = append(out, table+": dropped")
		} else if a != b {
			out = append(out, fmt.Sprintf("%s: %s → %s", table, b, a))
		}
	}
	for table, a := range after {
		if _, ok := before[table]; !ok {
			out = append(out, table+": new, "+a)
		}
	}
	slices.Sort(out)
	return out
}

// URLValues is a shorthand for url.Values.
type URLValues = url.Values
