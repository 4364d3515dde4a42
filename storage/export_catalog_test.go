package storage_test

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"sort"
	"testing"

	"casus/storage"
	"casus/storage/storagetest"
)

// catalogQuery runs a catalog query of two columns and hands each row to fn.
func catalogQuery(t *testing.T, db *storage.DB, query string, fn func(a, b string)) {
	t.Helper()
	rows, err := db.ReadSQL().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		var b sql.NullString
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		fn(a, b.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// catalog reads, from the engine's schema catalog, the tables with a
// student_id column and every foreign key (table → referenced table).
func catalog(t *testing.T, db *storage.DB) (withStudent map[string]bool, refs map[string][]string) {
	t.Helper()
	q := func(query string, fn func(a, b string)) { catalogQuery(t, db, query, fn) }
	withStudent, refs = map[string]bool{}, map[string][]string{}
	switch db.Engine {
	case storage.SQLite:
		q(`SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'student_id'`,
			func(table, _ string) { withStudent[table] = true })
		q(`SELECT m.name, f."table" FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
			func(table, ref string) { refs[table] = append(refs[table], ref) })
	case storage.Postgres:
		// Partitions (access_log's) are the parent table's rows, read through it.
		q(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
			AND column_name = 'student_id'
			AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)`, func(table, _ string) { withStudent[table] = true })
		q(`SELECT tc.table_name, ccu.table_name FROM information_schema.table_constraints tc
			JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
				AND ccu.table_schema = tc.table_schema
			WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`,
			func(table, ref string) { refs[table] = append(refs[table], ref) })
	}
	return withStudent, refs
}

// TestExportCoversEveryStudentTable: every table that holds something about
// a student — a student_id column, or a foreign key to such a table, at any
// depth — is in the export list or excluded with a reason. A new feature's
// table cannot silently escape the right of access.
func TestExportCoversEveryStudentTable(t *testing.T) {
	storagetest.Run(t, "export coverage", func(t *testing.T, db *storage.DB) {
		withStudent, refs := catalog(t, db)
		if len(withStudent) < 5 || len(refs) < 5 {
			t.Fatalf("catalog query found %d student tables and %d tables with references: not reading the schema", len(withStudent), len(refs))
		}
		student := map[string]bool{"students": true}
		for tbl := range withStudent {
			student[tbl] = true
		}
		for changed := true; changed; {
			changed = false
			for tbl, rs := range refs {
				for _, r := range rs {
					if student[r] && !student[tbl] && r != tbl {
						student[tbl], changed = true, true
					}
				}
			}
		}
		listed := map[string]bool{}
		for _, et := range storage.ExportTables {
			if listed[et.Name] {
				t.Errorf("export lists %s twice", et.Name)
			}
			listed[et.Name] = true
		}
		var names []string
		for tbl := range student {
			names = append(names, tbl)
		}
		sort.Strings(names)
		excluded := 0
		for _, tbl := range names {
			reason, isExcluded := storage.ExportExclusions[tbl]
			switch {
			case listed[tbl] && isExcluded:
				t.Errorf("%s is both exported and excluded", tbl)
			case isExcluded && len(reason) < 10:
				t.Errorf("%s is excluded without a real reason (%q)", tbl, reason)
			case isExcluded:
				excluded++
			case !listed[tbl]:
				t.Errorf("table %s holds data about a student but is neither in storage.ExportTables nor in storage.ExportExclusions", tbl)
			}
		}
		for tbl := range storage.ExportExclusions {
			if !student[tbl] {
				t.Errorf("exclusion %s names no student table in the schema", tbl)
			}
		}
		t.Logf("%d student tables in the catalog: %d exported, %d excluded with a reason; %d tables exported in all",
			len(names), len(names)-excluded, excluded, len(storage.ExportTables))

		// The yes/no columns the export turns into true/false: SQLite
		// declares them INTEGER, so PostgreSQL's schema is the reference.
		if db.Engine == storage.Postgres {
			bools := map[string]bool{}
			catalogQuery(t, db, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
				AND data_type = 'boolean'`, func(table, col string) {
				for _, et := range storage.ExportTables {
					if et.Name == table && (len(et.Columns) == 0 || slices.Contains(et.Columns, col)) {
						bools[table+"."+col] = true
					}
				}
			})
			if !maps.Equal(bools, storage.ExportBooleans) {
				t.Errorf("exported boolean columns %v, storage.ExportBooleans %v", slices.Sorted(maps.Keys(bools)),
					slices.Sorted(maps.Keys(storage.ExportBooleans)))
			}
		}
	})
}
