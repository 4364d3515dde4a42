package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// A backup is a directory holding one consistent copy of the database and a
// manifest. SQLite's copy is made by SQLite itself (VACUUM INTO), never by
// copying the file under a running server; PostgreSQL's by pg_dump in the
// custom format, from a snapshot the manifest is computed in too. The
// manifest gives each table's row count and a checksum of its rows, so a
// restore can prove it holds exactly what the backup held.
//
// Keys are not part of a backup: the secret key and the audit key stay
// outside the database and its backups, and a restore needs them given.

// Backup file names inside a backup directory.
const (
	ManifestFile     = "manifest.json"
	sqliteBackupFile = "casus.db"
	pgBackupFile     = "casus.dump"
)

// ErrNotEmpty is returned by Restore when the target already holds tables
// and Force is not set.
var ErrNotEmpty = errors.New("storage: the restore target is not empty")

// Manifest describes one backup.
type Manifest struct {
	Engine  string    `json:"engine"`
	Created time.Time `json:"created"`
	// File is the copy's name in the backup directory, FileSHA256 its
	// SHA-256, checked before a restore reads it.
	File       string              `json:"file"`
	FileSHA256 string              `json:"file_sha256"`
	Tables     map[string]TableSum `json:"tables"`
}

// TableSum is one table's row count and the SHA-256 of its rows, each row
// as the engine's text of its values, sorted bytewise.
type TableSum struct {
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// Rows is the total number of rows over all tables.
func (m Manifest) Rows() int64 {
	var n int64
	for _, s := range m.Tables {
		n += s.Rows
	}
	return n
}

// Backup writes a consistent copy of the database and its manifest to dir,
// which must not exist yet. The copy is taken while the database stays in
// use: SQLite's VACUUM INTO and pg_dump both read one snapshot without
// blocking writers. dir appears complete or not at all: the work happens in
// a sibling directory renamed at the end.
func (db *DB) Backup(ctx context.Context, dir string) (Manifest, error) {
	if _, err := os.Stat(dir); err == nil {
		return Manifest{}, fmt.Errorf("storage: backup: %s already exists", dir)
	}
	tmp := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".partial")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	m := Manifest{Engine: db.Engine, Created: db.Now().UTC()}
	var err error
	switch db.Engine {
	case SQLite:
		m.File = sqliteBackupFile
		m.Tables, err = db.backupSQLite(ctx, filepath.Join(tmp, m.File))
	case Postgres:
		m.File = pgBackupFile
		m.Tables, err = db.backupPostgres(ctx, filepath.Join(tmp, m.File))
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	if m.FileSHA256, err = fileSHA256(filepath.Join(tmp, m.File)); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return Manifest{}, err
	}
	if err := writeSynced(filepath.Join(tmp, ManifestFile), append(b, '\n')); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	return m, syncDir(filepath.Dir(dir))
}

// backupSQLite copies the database with VACUUM INTO on a connection of its
// own: SQLite reads one snapshot (WAL lets writers go on meanwhile) and
// writes a compact, self-contained file. The manifest is then computed from
// that file, so it describes exactly what the backup holds.
func (db *DB) backupSQLite(ctx context.Context, file string) (map[string]TableSum, error) {
	src, err := sql.Open("sqlite", sqliteURI(db.path, "busy_timeout(5000)"))
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if err := createPrivate(file); err != nil {
		return nil, err
	}
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, file); err != nil {
		return nil, fmt.Errorf("vacuum into: %w", err)
	}
	if err := syncFile(file); err != nil {
		return nil, err
	}
	return sqliteSums(ctx, file)
}

// sqliteSums computes the table sums of the SQLite file, opened read-only.
func sqliteSums(ctx context.Context, file string) (map[string]TableSum, error) {
	f, err := sql.Open("sqlite", sqliteURI(file, "query_only(1)")+"&mode=ro")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return tableSums(ctx, f, SQLite)
}

// sqliteURI is the file: URI of path with the given pragmas.
func sqliteURI(path string, pragmas ...string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) + "?" + q.Encode()
}

// backupPostgres exports the snapshot of a read-only repeatable-read
// transaction, computes the table sums in it and has pg_dump dump that same
// snapshot.
func (db *DB) backupPostgres(ctx context.Context, file string) (map[string]TableSum, error) {
	dump, err := pgTool("pg_dump")
	if err != nil {
		return nil, err
	}
	tx, err := db.write.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	sums, err := tableSums(ctx, tx, Postgres)
	if err != nil {
		return nil, err
	}
	if err := createPrivate(file); err != nil {
		return nil, err
	}
	if err := runPGTool(ctx, dump, db.url, "--format=custom", "--snapshot="+snapshot, "--file="+file); err != nil {
		return nil, err
	}
	return sums, syncFile(file)
}

// RestoreTarget is where Restore puts a backup: an empty SQLite data
// directory or an empty PostgreSQL database.
type RestoreTarget struct {
	URL string // postgres://…; empty means SQLite under Dir
	Dir string
	// Force replaces what the target holds: on PostgreSQL the schema is
	// dropped and created again before pg_restore runs.
	Force bool
}

// ReadManifest reads the manifest of the backup in dir.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, fmt.Errorf("storage: backup manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("storage: backup manifest %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return m, nil
}

// Restore restores the backup in dir into the target and checks that every
// table holds the rows the manifest lists, with the same checksums. It does
// not migrate: Open does that afterwards, as at every start. It refuses with
// ErrNotEmpty when the target holds tables, unless target.Force.
func Restore(ctx context.Context, dir string, target RestoreTarget) (Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, err
	}
	if m.File != filepath.Base(m.File) || m.File == "" {
		return m, fmt.Errorf("storage: backup manifest names an unexpected file %q", m.File)
	}
	file := filepath.Join(dir, m.File)
	sum, err := fileSHA256(file)
	if err != nil {
		return m, fmt.Errorf("storage: backup: %w", err)
	}
	if sum != m.FileSHA256 {
		return m, fmt.Errorf("storage: backup file %s does not match its manifest (SHA-256 %s, manifest %s): damaged or altered", file, sum, m.FileSHA256)
	}
	pg := strings.HasPrefix(target.URL, "postgres://") || strings.HasPrefix(target.URL, "postgresql://")
	var got map[string]TableSum
	switch {
	case m.Engine == Postgres && pg:
		got, err = restorePostgres(ctx, file, target)
	case m.Engine == SQLite && target.URL == "":
		got, err = restoreSQLite(ctx, file, target)
	default:
		return m, fmt.Errorf("storage: a %s backup cannot be restored into this target (same engine only)", m.Engine)
	}
	if err != nil {
		return m, err
	}
	return m, compareSums(m.Tables, got)
}

func restoreSQLite(ctx context.Context, file string, target RestoreTarget) (map[string]TableSum, error) {
	dir := target.Dir
	if dir == "" {
		dir = "casus-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	dst := filepath.Join(dir, "casus.db")
	if _, err := os.Stat(dst); err == nil && !target.Force {
		sums, err := sqliteSums(ctx, dst)
		if err != nil || len(sums) > 0 {
			return nil, fmt.Errorf("%w: %s holds a database", ErrNotEmpty, dst)
		}
	}
	tmp := dst + ".restoring"
	os.Remove(tmp)
	src, err := sql.Open("sqlite", sqliteURI(file)+"&mode=ro")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if err := createPrivate(tmp); err != nil {
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("storage: restore: vacuum into: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	// The old database's write-ahead log would be replayed onto the new file.
	for _, ext := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("storage: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return nil, err
	}
	return sqliteSums(ctx, dst)
}

func restorePostgres(ctx context.Context, file string, target RestoreTarget) (map[string]TableSum, error) {
	restore, err := pgTool("pg_restore")
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("pgx", target.URL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace
		AND relkind IN ('r', 'p')`).Scan(&tables); err != nil {
		return nil, fmt.Errorf("storage: restore: reach postgres: %w", err)
	}
	args := []string{"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"}
	if tables > 0 {
		if !target.Force {
			return nil, fmt.Errorf("%w: the database holds %d tables", ErrNotEmpty, tables)
		}
		// pg_restore --clean cannot drop the partitions' inherited
		// constraints, so a forced restore empties the schema itself.
		var schema string
		if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return nil, fmt.Errorf("storage: restore: %w", err)
		}
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+quoteIdent(schema)+` CASCADE; CREATE SCHEMA `+quoteIdent(schema)); err != nil {
			return nil, fmt.Errorf("storage: restore: empty the schema %s: %w", schema, err)
		}
	}
	if err := runPGTool(ctx, restore, target.URL, append(args, file)...); err != nil {
		return nil, err
	}
	return tableSums(ctx, db, Postgres)
}

// tableSums lists the tables of the schema and sums each one's rows. Each
// row becomes the engine's text of its values (SQLite's quote() of each
// column, PostgreSQL's row text), hashed in bytewise order, so the sum does
// not depend on the physical order, which a copy may change.
func tableSums(ctx context.Context, q querier, engine string) (map[string]TableSum, error) {
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if engine == Postgres {
		list = `SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace
			AND relkind IN ('r', 'p') AND NOT relispartition`
	}
	tables, err := queryStrings(ctx, q, list)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	out := map[string]TableSum{}
	for _, t := range tables {
		var rowText string
		if engine == Postgres {
			rowText = `SELECT t::text FROM ` + quoteIdent(t) + ` t ORDER BY t::text COLLATE "C"`
		} else {
			cols, err := queryStrings(ctx, q, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, t)
			if err != nil {
				return nil, fmt.Errorf("columns of %s: %w", t, err)
			}
			quoted := make([]string, len(cols))
			for i, c := range cols {
				quoted[i] = "quote(" + quoteIdent(c) + ")"
			}
			rowText = `SELECT ` + strings.Join(quoted, ` || ',' || `) + ` FROM ` + quoteIdent(t) + ` ORDER BY 1`
		}
		s, err := sumRows(ctx, q, rowText)
		if err != nil {
			return nil, fmt.Errorf("checksum of %s: %w", t, err)
		}
		out[t] = s
	}
	return out, nil
}

func sumRows(ctx context.Context, q querier, query string) (TableSum, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	h := sha256.New()
	var s TableSum
	var n [binary.MaxVarintLen64]byte
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return s, err
		}
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(text)))])
		io.WriteString(h, text)
		s.Rows++
	}
	s.Checksum = hex.EncodeToString(h.Sum(nil))
	return s, rows.Err()
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// SumMismatch is Restore's report that the restored data differ from the
// manifest: per table, what the manifest says and what was found.
type SumMismatch struct {
	Tables []string
	Want   map[string]TableSum
	Got    map[string]TableSum
}

func (e *SumMismatch) Error() string {
	var parts []string
	for _, t := range e.Tables {
		w, okw := e.Want[t]
		g, okg := e.Got[t]
		switch {
		case !okg:
			parts = append(parts, fmt.Sprintf("%s missing (manifest: %d rows)", t, w.Rows))
		case !okw:
			parts = append(parts, fmt.Sprintf("%s not in the manifest (%d rows)", t, g.Rows))
		default:
			parts = append(parts, fmt.Sprintf("%s: %d rows, manifest %d; checksum equal: %v", t, g.Rows, w.Rows, g.Checksum == w.Checksum))
		}
	}
	return "storage: restored data differ from the backup's manifest: " + strings.Join(parts, "; ")
}

func compareSums(want, got map[string]TableSum) error {
	names := slices.Sorted(maps.Keys(want))
	for t := range got {
		if _, ok := want[t]; !ok {
			names = append(names, t)
		}
	}
	e := &SumMismatch{Want: want, Got: got}
	for _, t := range names {
		if want[t] != got[t] {
			e.Tables = append(e.Tables, t)
		}
	}
	if len(e.Tables) > 0 {
		return e
	}
	return nil
}

// pgTool finds a PostgreSQL client program: on PATH, else in the newest
// /usr/lib/postgresql/*/bin, where Debian's server packages put it.
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Slice(found, func(i, j int) bool { return pgMajor(found[i]) > pgMajor(found[j]) })
	if len(found) > 0 {
		return found[0], nil
	}
	return "", fmt.Errorf("storage: %s not found on PATH or in /usr/lib/postgresql/*/bin: install the PostgreSQL client programs of the server's version (e.g. apt install postgresql-client)", name)
}

func pgMajor(path string) int {
	var v int
	fmt.Sscan(filepath.Base(filepath.Dir(filepath.Dir(path))), &v)
	return v
}

// runPGTool runs pg_dump or pg_restore against the database at dbURL. The
// password goes in PGPASSWORD, not on the command line where every local
// user could read it; the pool settings only pgx knows are dropped.
func runPGTool(ctx context.Context, tool, dbURL string, args ...string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return errors.New("storage: unparseable database URL")
	}
	env := os.Environ()
	if p, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+p)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	cmd := exec.CommandContext(ctx, tool, append([]string{"--dbname=" + u.String()}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("storage: %s: %w: %s", filepath.Base(tool), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// createPrivate creates the empty file VACUUM INTO fills (it accepts an
// empty one), readable by the owner only: it will hold student data.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
