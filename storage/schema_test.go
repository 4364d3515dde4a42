package storage_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"casus/storage"
	"casus/storage/storagetest"
)

// schemaOf lists the database's own tables with their columns and named
// indexes, as "table.column" and "index:name on table" lines: what both
// engines must agree on. Column types differ by design (TIMESTAMPTZ and
// TIMESTAMP, BYTEA and BLOB) and are left out; the job queue's and goose's
// tables belong to those libraries.
func schemaOf(t *testing.T, db *storage.DB) []string {
	t.Helper()
	ctx := context.Background()
	// Indexes are compared by what they cover — table, columns, unique —
	// not by name: PostgreSQL names a UNIQUE constraint table_col_key,
	// SQLite sqlite_autoindex_table_N.
	var q string
	switch db.Engine {
	case storage.SQLite:
		q = `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'
			UNION ALL
			SELECT 'index on ' || m.name || '(' || (SELECT group_concat(COALESCE(ii.name, 'expr'), ',')
				FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) || ')' ||
				CASE WHEN il."unique" THEN ' unique' ELSE '' END
			FROM sqlite_master m, pragma_index_list(m.name) il WHERE m.type = 'table' AND il.origin <> 'pk'`
	default:
		// Partitions (access_log_default) and their inherited indexes are
		// PostgreSQL's way of storing one table.
		q = `SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c
			JOIN pg_class r ON r.relname = c.table_name AND NOT r.relispartition
			WHERE c.table_schema = current_schema()
			UNION ALL
			SELECT 'index on ' || t.relname || '(' || (SELECT string_agg(COALESCE(a.attname, 'expr'), ',' ORDER BY k.n)
				FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0) || ')' ||
				CASE WHEN i.indisunique THEN ' unique' ELSE '' END
			FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
			WHERE ns.nspname = current_schema() AND NOT i.indisprimary AND NOT t.relispartition AND t.relkind IN ('r', 'p')`
	}
	rows, err := db.ReadSQL().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(s, "index on ")
		if strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "goose_") || strings.HasPrefix(name, "sqlite_") {
			continue
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestSchemaParity: both engines have the same tables, columns and named
// indexes after all migrations, so a migration written for one engine
// alone fails here.
func TestSchemaParity(t *testing.T) {
	engines := storagetest.Engines(t)
	if !slices.Contains(engines, storage.Postgres) {
		t.Skip("schema parity needs PostgreSQL: set " + storagetest.EnvDatabaseURL)
	}
	t.Logf("%s schema parity on sqlite and postgres", conformance)
	lite := schemaOf(t, storagetest.Open(t, storage.SQLite, nil))
	pg := schemaOf(t, storagetest.Open(t, storage.Postgres, nil))
	only := func(a, b []string) []string {
		var d []string
		for _, s := range a {
			if _, found := slices.BinarySearch(b, s); !found {
				d = append(d, s)
			}
		}
		return d
	}
	if d := only(lite, pg); len(d) > 0 {
		t.Errorf("only on SQLite:\n  %s", strings.Join(d, "\n  "))
	}
	if d := only(pg, lite); len(d) > 0 {
		t.Errorf("only on PostgreSQL:\n  %s", strings.Join(d, "\n  "))
	}
	if len(lite) < 100 {
		t.Errorf("only %d schema lines read on SQLite: the introspection query is broken", len(lite))
	}
}

var updateManifest = flag.Bool("update-migrations-manifest", false, "rewrite storage/migrations/MANIFEST after adding a migration")

// TestMigrationsAppendOnly compares every migration file with the hash in
// storage/migrations/MANIFEST: an edited or removed migration fails, and so
// does a new one until it is added with
//
//	go test ./storage -run TestMigrationsAppendOnly -update-migrations-manifest
//
// A migration that ran on a production database must never change: fix
// forward with a new one.
func TestMigrationsAppendOnly(t *testing.T) {
	var lines []string
	err := fs.WalkDir(os.DirFS("migrations"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		b, err := os.ReadFile("migrations/" + path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		lines = append(lines, fmt.Sprintf("%s  %s", hex.EncodeToString(sum[:]), path))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	got := strings.Join(lines, "\n") + "\n"
	if *updateManifest {
		old, _ := os.ReadFile("migrations/MANIFEST")
		for _, l := range strings.Split(strings.TrimSpace(string(old)), "\n") {
			if l != "" && !strings.Contains(got, l+"\n") {
				t.Fatalf("not rewriting the manifest: %s changed or went; migrations are append-only", l[66:])
			}
		}
		if err := os.WriteFile("migrations/MANIFEST", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("migrations/MANIFEST")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, l := range lines {
		have[l[66:]] = l[:64]
	}
	listed := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		hash, path := l[:64], l[66:]
		listed[path] = true
		switch h, ok := have[path]; {
		case !ok:
			t.Errorf("migration %s was removed: migrations are append-only", path)
		case h != hash:
			t.Errorf("migration %s was edited: migrations are append-only, add a new one instead", path)
		}
	}
	for path := range have {
		if !listed[path] {
			t.Errorf("migration %s is not in migrations/MANIFEST: add it with -update-migrations-manifest", path)
		}
	}
}
