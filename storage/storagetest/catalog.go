package storagetest

import (
	"slices"
	"testing"

	"casus/storage"
)

// Tables lists the tables of the database's schema from the engine's
// catalog; a partition counts as its parent.
func Tables(t testing.TB, db *storage.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Engine == storage.Postgres {
		q = `SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace
			AND relkind IN ('r', 'p') AND NOT relispartition`
	}
	ts := catalogList(t, db, q)
	slices.Sort(ts)
	return ts
}

// Columns lists a table's columns.
func Columns(t testing.TB, db *storage.DB, table string) []string {
	t.Helper()
	q := `SELECT name FROM pragma_table_info($1)`
	if db.Engine == storage.Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	}
	return catalogList(t, db, q, table)
}

func catalogList(t testing.TB, db *storage.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.ReadSQL().QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("storagetest: catalog: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("storagetest: catalog: %v", err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("storagetest: catalog: %v", err)
	}
	return out
}

// Referencing returns, per table, how many rows hold s in any column (as
// text), skipping the tables in skip: for checking that a destroyed
// record's id is gone everywhere.
func Referencing(t testing.TB, db *storage.DB, s string, skip ...string) map[string]int {
	t.Helper()
	found := map[string]int{}
	for _, table := range Tables(t, db) {
		if slices.Contains(skip, table) {
			continue
		}
		cols := Columns(t, db, table)
		if len(cols) == 0 {
			continue
		}
		where := ""
		for i, c := range cols {
			if i > 0 {
				where += " OR "
			}
			where += `CAST("` + c + `" AS TEXT) LIKE $1`
		}
		var n int
		if err := db.ReadSQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM "`+table+`" WHERE `+where, "%"+s+"%").Scan(&n); err != nil {
			t.Fatalf("storagetest: search %s: %v", table, err)
		}
		if n > 0 {
			found[table] = n
		}
	}
	return found
}
